package dev.flexserve.ownerkit.embedding;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flexserve.ownerkit.OwnerKitException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An owner's domain embedding, computed on the owner's machine by {@code owner domain-embedding}: where its documents
 * sit in the trunk's routing space ({@link RoutingSpace}), as the mean router input of the public model per layer
 * ({@code centroids [L][d]}), and the router rows and non-positive biases that follow from it; plus the 384-d mean
 * all-MiniLM-L6-v2 sentence embedding of a sample of the documents, which the BTM baseline compares prompts with.
 * {@code owner train-expert} starts its router from {@code router_rows} and {@code router_bias}.
 */
public record DomainEmbedding(
        @JsonProperty("embedder") String embedder,
        @JsonProperty("documents") int documents,
        @JsonProperty("sampled") int sampled,
        @JsonProperty("seed") long seed,
        @JsonProperty("trunk_hash") String trunkHash,
        @JsonProperty("embedding") float[] embedding,
        @JsonProperty("windows") int windows,
        @JsonProperty("centroids") float[][] centroids,
        @JsonProperty("router_rows") float[][] routerRows,
        @JsonProperty("router_bias") float[] routerBias) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The rows and biases of a domain whose mean router inputs are {@code centroids}, in {@code space}. */
    public static float[][] rows(RoutingSpace space, float[][] centroids) {
        float[][] rows = new float[centroids.length][];
        for (int l = 0; l < centroids.length; l++) {
            rows[l] = space.routerRow(l, space.project(l, centroids[l]));
        }
        return rows;
    }

    /** Clamped to the served range b <= 0 (DESIGN §1); a domain nearer the origin than public text gets 0. */
    public static float[] bias(RoutingSpace space, float[][] centroids) {
        float[] b = new float[centroids.length];
        for (int l = 0; l < centroids.length; l++) {
            b[l] = Math.min(0f, space.bias(l, space.project(l, centroids[l])));
        }
        return b;
    }

    /** Refuses an embedding computed with another trunk. */
    public DomainEmbedding checkTrunk(Path file, String hash, int layers, int hidden) {
        if (trunkHash != null && !trunkHash.equals(hash)) {
            throw new OwnerKitException(file + ": the domain embedding was computed with trunk " + trunkHash
                    + ", not with the given public model's trunk " + hash + "; compute it again with --public");
        }
        if (routerRows.length != layers || routerRows[0].length != hidden) {
            throw new OwnerKitException(file + ": router rows are " + routerRows.length + " x " + routerRows[0].length
                    + ", the trunk has " + layers + " layers of d_model " + hidden);
        }
        return this;
    }

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public static DomainEmbedding read(Path file) {
        try {
            DomainEmbedding e = JSON.readValue(file.toFile(), DomainEmbedding.class);
            if (e.embedding() == null || e.routerRows() == null || e.routerBias() == null) {
                throw new OwnerKitException(file + ": not a domain embedding (no embedding, router_rows or router_bias)");
            }
            return e;
        } catch (IOException ex) {
            throw new OwnerKitException(file + ": not a domain embedding file: " + ex.getMessage().lines().findFirst().orElse(""));
        }
    }
}
