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
        @JsonProperty("trunk_hash") String trunkHash,
        @JsonProperty("embedding") float[] embedding,
        @JsonProperty("router_row") float[] routerRow) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** {@code trunkHash}: the trunk whose projection made the router row (null while the trunk is being made). */
    public static DomainEmbedding compute(List<String> documents, int sample, long seed, DomainProjection projection,
                                          String trunkHash) {
        float[] mean = DomainEmbedder.mean(documents, sample, seed);
        return new DomainEmbedding(DomainEmbedder.MODEL, documents.size(), Math.min(sample, documents.size()), seed,
                trunkHash, mean, projection.apply(mean));
    }

    /** Refuses an embedding mapped with another trunk's projection. */
    public DomainEmbedding checkTrunk(Path file, String hash, int hidden) {
        if (trunkHash != null && !trunkHash.equals(hash)) {
            throw new OwnerKitException(file + ": the domain embedding was mapped with trunk " + trunkHash
                    + ", not with the given public model's trunk " + hash + "; compute it again with --public");
        }
        if (routerRow.length != hidden) {
            throw new OwnerKitException(file + ": router row has " + routerRow.length + " values, the trunk's d_model is " + hidden);
        }
        return this;
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
