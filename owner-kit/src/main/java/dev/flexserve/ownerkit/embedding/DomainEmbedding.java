package dev.flexserve.ownerkit.embedding;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flexserve.ownerkit.OwnerKitException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An owner's domain embedding: the 384-d mean sentence embedding of a sample of its documents and the d_model-wide
 * router row it maps to through the trunk's {@link DomainProjection}. Written as JSON by {@code owner domain-embedding};
 * {@code owner train-expert} initialises its router row in every layer from {@link #routerRow()}.
 */
public record DomainEmbedding(
        @JsonProperty("embedder") String embedder,
        @JsonProperty("documents") int documents,
        @JsonProperty("sampled") int sampled,
        @JsonProperty("seed") long seed,
        @JsonProperty("embedding") float[] embedding,
        @JsonProperty("router_row") float[] routerRow) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static DomainEmbedding compute(List<String> documents, int sample, long seed, DomainProjection projection) {
        float[] mean = DomainEmbedder.mean(documents, sample, seed);
        return new DomainEmbedding(DomainEmbedder.MODEL, documents.size(), Math.min(sample, documents.size()), seed, mean,
                projection.apply(mean));
    }

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public static DomainEmbedding read(Path file) {
        try {
            DomainEmbedding e = JSON.readValue(file.toFile(), DomainEmbedding.class);
            if (e.embedding() == null || e.routerRow() == null) {
                throw new OwnerKitException(file + ": not a domain embedding (no embedding or router_row)");
            }
            return e;
        } catch (IOException ex) {
            throw new OwnerKitException(file + ": not a domain embedding file: " + ex.getMessage().lines().findFirst().orElse(""));
        }
    }
}
