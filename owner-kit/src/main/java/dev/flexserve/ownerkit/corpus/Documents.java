package dev.flexserve.ownerkit.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.ownerkit.OwnerKitException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads an owner's documents: a text file (one document), a {@code .jsonl} file (one {@code {"text": ...}} document
 * per line, what {@code owner corpora} writes), or a directory of such files (recursively, in name order). Refuses
 * with one line what cannot be text: a missing path, an empty file or directory, a file with NUL bytes or invalid
 * UTF-8, a file with many control characters.
 */
public final class Documents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Documents() {
    }

    public static List<String> read(Path path) {
        if (!Files.exists(path)) {
            throw new OwnerKitException(path + ": no such file or directory");
        }
        List<String> docs = new ArrayList<>();
        try {
            if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(path)) {
                    files = walk.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .sorted().toList();
                }
                for (Path f : files) {
                    docs.addAll(readFile(f));
                }
                if (docs.isEmpty()) {
                    throw new OwnerKitException(path + ": the directory holds no text documents");
                }
            } else {
                docs.addAll(readFile(path));
            }
        } catch (IOException e) {
            throw new OwnerKitException(path + ": cannot read: " + e.getMessage());
        }
        return docs;
    }

    private static List<String> readFile(Path f) throws IOException {
        byte[] bytes = Files.readAllBytes(f);
        String text = decode(f, bytes);
        if (text.isBlank()) {
            throw new OwnerKitException(f + ": the file is empty (no text to learn from)");
        }
        if (f.getFileName().toString().endsWith(".jsonl")) {
            List<String> docs = new ArrayList<>();
            int line = 0;
            for (String l : text.split("\n")) {
                line++;
                if (l.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(l);
                } catch (IOException e) {
                    throw new OwnerKitException(f + ":" + line + ": not a JSON object with a \"text\" field");
                }
                if (!n.path("text").isTextual()) {
                    throw new OwnerKitException(f + ":" + line + ": not a JSON object with a \"text\" field");
                }
                checkText(f, n.get("text").asText());
                if (!n.get("text").asText().isBlank()) {
                    docs.add(n.get("text").asText());
                }
            }
            if (docs.isEmpty()) {
                throw new OwnerKitException(f + ": the file holds no documents");
            }
            return docs;
        }
        checkText(f, text);
        return List.of(text);
    }

    private static String decode(Path f, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new OwnerKitException(f + ": looks binary (NUL byte at offset " + i + "); give text files");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new OwnerKitException(f + ": looks binary (not valid UTF-8); give UTF-8 text files");
        }
    }

    private static void checkText(Path f, String text) {
        long control = text.chars().filter(c -> c < 32 && c != '\n' && c != '\r' && c != '\t' && c != '\f').count();
        if (control > 16 && control * 100 > text.length()) {
            throw new OwnerKitException(f + ": looks binary (" + control + " control characters); give text files");
        }
    }

    public static void writeJsonl(Path file, List<String> docs) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String d : docs) {
                ObjectNode n = JSON.createObjectNode();
                n.put("text", d);
                w.write(JSON.writeValueAsString(n));
                w.write('\n');
            }
        }
    }
}
