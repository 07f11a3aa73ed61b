package dev.flexserve.router.attribution;

import org.jboss.logging.Logger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The write-ahead spool: a directory of numbered segment files ({@code 00000000000000000001.spool}, ...) in
 * {@link SpoolFormat}. Appends go to the open segment and return only after {@code fsync}; a new segment's directory
 * entry is fsynced too. The replay side takes the {@link #replayable} segments, reads them in order and
 * {@link #remove removes} one only after Kafka acknowledged all its records.
 *
 * <p>Opening the spool recovers it: each segment is cut after its last intact record (a crash mid-append leaves a
 * torn tail, never a hole) and a segment left without records is deleted.
 */
final class Spool implements Closeable {
    private static final Logger LOG = Logger.getLogger(Spool.class);
    private static final Pattern SEGMENT = Pattern.compile("\\d{20}\\.spool");
    /** A segment is sealed once it reaches this size, so that a replay reads a bounded amount at a time. */
    static final long SEGMENT_BYTES = 8 << 20;

    /** A sealed segment and the number of records it holds. */
    record Segment(long sequence, Path file, int records) {
    }

    private final Path dir;
    private final TreeMap<Long, Segment> sealed = new TreeMap<>();
    private long nextSequence = 1;
    private long records;
    private FileChannel open;
    private Path openFile;
    private long openSequence;
    private int openRecords;

    private Spool(Path dir) {
        this.dir = dir;
    }

    static Spool open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Spool spool = new Spool(dir);
        spool.recover();
        return spool;
    }

    private void recover() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        for (Path file : files) {
            long sequence = Long.parseLong(file.getFileName().toString().substring(0, 20));
            nextSequence = Math.max(nextSequence, sequence + 1);
            byte[] bytes = Files.readAllBytes(file);
            SpoolFormat.Scan scan = SpoolFormat.scan(bytes);
            if (scan.validBytes() < bytes.length) {
                LOG.warnf("spool segment %s: cut %d bytes after its last intact record (an append was interrupted)",
                        file, bytes.length - scan.validBytes());
                try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    c.truncate(scan.validBytes());
                    c.force(true);
                }
            }
            if (scan.records().isEmpty()) {
                Files.delete(file);
                syncDirectory();
                continue;
            }
            sealed.put(sequence, new Segment(sequence, file, scan.records().size()));
            records += scan.records().size();
        }
        if (records > 0) {
            LOG.infof("spool %s holds %d attribution events from an earlier run; they are replayed to Kafka", dir, records);
        }
    }

    /** Appends the records, in order, and returns once they are on disk (fsync). */
    synchronized void append(List<SpoolRecord> batch) throws IOException {
        ByteBuffer frames = SpoolFormat.frames(batch);
        if (open == null) {
            openSequence = nextSequence++;
            openFile = dir.resolve(String.format("%020d.spool", openSequence));
            open = FileChannel.open(openFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            syncDirectory();
        }
        try {
            while (frames.hasRemaining()) {
                open.write(frames);
            }
            open.force(false);
        } catch (IOException e) {
            // The segment may now end in part of this batch: seal it there (reading stops at the torn frame) so
            // that later appends go to a new segment instead of after the fragment.
            try {
                sealOpen();
            } catch (IOException ignored) {
                // The segment is sealed in memory either way; its valid prefix is what recovery keeps.
            }
            throw e;
        }
        openRecords += batch.size();
        records += batch.size();
        if (open.size() >= SEGMENT_BYTES) {
            sealOpen();
        }
    }

    /** Closes the open segment, so that later appends start a new one; returns every sealed segment, oldest first. */
    synchronized List<Segment> seal() throws IOException {
        if (open != null) {
            sealOpen();
        }
        return new ArrayList<>(sealed.values());
    }

    /**
     * The segments to replay, oldest first: the sealed ones, or, when there are none, the open one, sealed now. So
     * while Kafka keeps refusing the oldest segment, new records go on filling one open segment.
     */
    synchronized List<Segment> replayable() throws IOException {
        return sealed.isEmpty() ? seal() : new ArrayList<>(sealed.values());
    }

    private void sealOpen() throws IOException {
        FileChannel channel = open;
        if (openRecords > 0) {
            sealed.put(openSequence, new Segment(openSequence, openFile, openRecords));
        }
        open = null;
        openFile = null;
        openRecords = 0;
        channel.close();
    }

    /** The records of a sealed segment, in the order they were appended. */
    List<SpoolRecord> read(Segment segment) throws IOException {
        return SpoolFormat.scan(Files.readAllBytes(segment.file())).records();
    }

    /** Deletes a sealed segment whose every record Kafka has acknowledged. */
    synchronized void remove(Segment segment) throws IOException {
        Files.delete(segment.file());
        syncDirectory();
        sealed.remove(segment.sequence());
        records -= segment.records();
    }

    /** Records appended and not yet removed. */
    synchronized long records() {
        return records;
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (open != null) {
            sealOpen();
        }
    }
}
