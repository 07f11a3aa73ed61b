package dev.flexserve.model.packages;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flexserve.model.tokenizer.TokenizerSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code manifest.json} of a package (DESIGN.md §3). A trunk carries the model {@code config} and its
 * {@code tokenizer}; an expert carries {@code base_hash}, the content hash of the trunk it was trained against.
 * {@code files} maps every file of the package to its SHA-256.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("id") String id,
        @JsonProperty("kind") String kind,
        @JsonProperty("owner") String owner,
        @JsonProperty("base_model") String baseModel,
        @JsonProperty("base_hash") String baseHash,
        @JsonProperty("dims") Dims dims,
        @JsonProperty("dtype") String dtype,
        @JsonProperty("licence") String licence,
        @JsonProperty("description") String description,
        @JsonProperty("config") JsonNode config,
        @JsonProperty("tokenizer") TokenizerSpec tokenizer,
        @JsonProperty("files") SortedMap<String, String> files) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE = "manifest.json";
    public static final String TRUNK = "trunk";
    public static final String EXPERT = "expert";

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public record Dims(
            @JsonProperty("hidden_size") int hiddenSize,
            @JsonProperty("intermediate_size") int intermediateSize,
            @JsonProperty("num_hidden_layers") int numHiddenLayers) {
    }

    public Manifest withFiles(SortedMap<String, String> newFiles) {
        return new Manifest(formatVersion, id, kind, owner, baseModel, baseHash, dims, dtype, licence, description,
                config, tokenizer, new TreeMap<>(newFiles));
    }

    @JsonIgnore
    public boolean isTrunk() {
        return TRUNK.equals(kind);
    }

    public static Manifest read(Path packageDir) {
        Path file = packageDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new PackageException(packageDir + ": no " + FILE + " (not a FlexServe package)");
        }
        Manifest m;
        try {
            m = JSON.readValue(file.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new PackageException(file + ": not a valid manifest: " + e.getMessage().lines().findFirst().orElse(""));
        }
        m.check(packageDir);
        return m;
    }

    public void write(Path packageDir) throws IOException {
        JSON.writeValue(packageDir.resolve(FILE).toFile(), this);
    }

    private void check(Path dir) {
        if (formatVersion != FORMAT_VERSION) {
            throw new PackageException(dir + ": manifest format_version " + formatVersion + " is not supported (expected " + FORMAT_VERSION + ")");
        }
        if (id == null || !id.matches("[a-z0-9][a-z0-9._-]{0,62}")) {
            throw new PackageException(dir + ": manifest id '" + id + "' must be 1-63 lower-case letters, digits, '.', '_' or '-'");
        }
        if (!TRUNK.equals(kind) && !EXPERT.equals(kind)) {
            throw new PackageException(dir + ": manifest kind '" + kind + "' must be 'trunk' or 'expert'");
        }
        if (dims == null || files == null) {
            throw new PackageException(dir + ": manifest lacks " + (dims == null ? "dims" : "files"));
        }
        if (!"float32".equals(dtype)) {
            throw new PackageException(dir + ": manifest dtype '" + dtype + "' is not supported (float32)");
        }
        if (isTrunk() && (config == null || tokenizer == null)) {
            throw new PackageException(dir + ": trunk manifest lacks the model " + (config == null ? "config" : "tokenizer"));
        }
        if (!isTrunk() && (baseHash == null || baseHash.isBlank())) {
            throw new PackageException(dir + ": expert manifest lacks base_hash (the trunk it was trained against)");
        }
    }
}
