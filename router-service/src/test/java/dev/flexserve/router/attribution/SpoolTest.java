package dev.flexserve.router.attribution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpoolTest {
    @TempDir
    Path dir;

    static SpoolRecord record(int i) {
        return new SpoolRecord("gen-" + i, ("{\"event\": " + i + ", \"text\": \"é ✓\"}").getBytes(StandardCharsets.UTF_8));
    }

    static List<SpoolRecord> records(int from, int to) {
        return IntStream.range(from, to).mapToObj(SpoolTest::record).toList();
    }

    /** Every record in the spool, oldest first, as a replay would read it. */
    static List<String> contents(Spool spool) throws IOException {
        List<String> out = new ArrayList<>();
        for (Spool.Segment s : spool.seal()) {
            for (SpoolRecord r : spool.read(s)) {
                out.add(r.key() + "=" + new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static List<String> expected(List<SpoolRecord> records) {
        return records.stream().map(r -> r.key() + "=" + new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".spool")).sorted().toList();
        }
    }

    @Test
    void recordsSurviveReopeningInTheOrderTheyWereAppended() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            spool.append(records(0, 3));
            spool.append(records(3, 4));
            spool.seal();
            spool.append(records(4, 7));
        }
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.records()).isEqualTo(7);
            assertThat(contents(spool)).isEqualTo(expected(records(0, 7)));
        }
        assertThat(segments()).hasSize(2);
    }

    @Test
    void appendsAfterASealGoToANewSegmentAndRemovingOneKeepsTheOthers() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            spool.append(records(0, 2));
            List<Spool.Segment> sealed = spool.seal();
            spool.append(records(2, 5));
            assertThat(sealed).hasSize(1);
            spool.remove(sealed.get(0));
            assertThat(spool.records()).isEqualTo(3);
            assertThat(contents(spool)).isEqualTo(expected(records(2, 5)));
        }
        try (Spool spool = Spool.open(dir)) {
            spool.append(records(5, 6));
            assertThat(contents(spool)).as("numbering continues after a restart").isEqualTo(expected(records(2, 6)));
        }
    }

    @Test
    void replayTakesTheOpenSegmentOnlyWhenNoSealedOneIsLeft() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            spool.append(records(0, 2));
            List<Spool.Segment> first = spool.replayable();
            spool.append(records(2, 4));
            assertThat(spool.replayable()).as("while the oldest is not replayed, new records fill the open segment")
                    .isEqualTo(first);
            spool.remove(first.get(0));
            List<Spool.Segment> second = spool.replayable();
            assertThat(second).extracting(Spool.Segment::records).containsExactly(2);
            assertThat(spool.read(second.get(0))).extracting(SpoolRecord::key).containsExactly("gen-2", "gen-3");
            spool.remove(second.get(0));
            assertThat(spool.replayable()).isEmpty();
            assertThat(spool.records()).isZero();
        }
    }

    @Test
    void aFullSegmentIsSealed() throws IOException {
        byte[] big = new byte[1 << 20];
        try (Spool spool = Spool.open(dir)) {
            for (int i = 0; i < 9; i++) {
                spool.append(List.of(new SpoolRecord("gen-" + i, big)));
            }
            assertThat(segments()).hasSize(2);
            assertThat(spool.seal()).extracting(Spool.Segment::records).containsExactly(8, 1);
        }
    }

    /** What a crash in the middle of an append can leave after the last complete record. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"part of a header", "a header and part of its payload", "a record with a wrong checksum",
            "zeros from a preallocated block", "a length beyond any record"})
    void aTornTailIsCutAndEverythingBeforeItKept(String tail) throws IOException {
        try (Spool spool = Spool.open(dir)) {
            spool.append(records(0, 3));
        }
        Path segment = segments().get(0);
        long intact = Files.size(segment);
        Files.write(segment, torn(tail), StandardOpenOption.APPEND);
        try (Spool spool = Spool.open(dir)) {
            assertThat(Files.size(segment)).as("the file is cut where the torn record began").isEqualTo(intact);
            assertThat(contents(spool)).isEqualTo(expected(records(0, 3)));
            spool.append(records(3, 4));
        }
        try (Spool spool = Spool.open(dir)) {
            assertThat(contents(spool)).as("appends after the cut are kept").isEqualTo(expected(records(0, 4)));
        }
    }

    private static byte[] torn(String tail) {
        ByteBuffer frame = SpoolFormat.frames(List.of(record(99)));
        byte[] whole = new byte[frame.remaining()];
        frame.get(whole);
        return switch (tail) {
            case "part of a header" -> Arrays.copyOf(whole, 5);
            case "a header and part of its payload" -> Arrays.copyOf(whole, whole.length - 4);
            case "a record with a wrong checksum" -> {
                whole[whole.length - 1] ^= 1;
                yield whole;
            }
            case "zeros from a preallocated block" -> new byte[4096];
            case "a length beyond any record" -> ByteBuffer.allocate(12).putInt(Integer.MAX_VALUE).putInt(0).putInt(7).array();
            default -> throw new IllegalArgumentException(tail);
        };
    }

    @Test
    void aSegmentWithNothingIntactIsDeleted() throws IOException {
        Files.write(dir.resolve("00000000000000000004.spool"), new byte[]{0, 0, 0});
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.records()).isZero();
            assertThat(segments()).isEmpty();
            spool.append(records(0, 1));
        }
        assertThat(segments()).extracting(p -> p.getFileName().toString()).containsExactly("00000000000000000005.spool");
    }

    @Test
    void otherFilesInTheDirectoryAreLeftAlone() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "not a segment");
        try (Spool spool = Spool.open(dir)) {
            spool.append(records(0, 1));
            assertThat(contents(spool)).isEqualTo(expected(records(0, 1)));
        }
        assertThat(dir.resolve("notes.txt")).hasContent("not a segment");
    }

    @Test
    void emptyKeysAndValuesAreRefused() {
        assertThatThrownBy(() -> SpoolFormat.frames(List.of(new SpoolRecord("", new byte[]{1}))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpoolFormat.frames(List.of(new SpoolRecord("k", new byte[0]))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
