package dev.flexserve.ownerkit.embedding;

import dev.flexserve.model.packages.TrunkPackage;
import dev.flexserve.model.safetensors.DType;
import dev.flexserve.model.safetensors.SafetensorsFile;
import dev.flexserve.model.safetensors.SafetensorsWriter;
import dev.flexserve.ownerkit.OwnerKitException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The fixed map from the sentence embedder's space (384-d, all-MiniLM-L6-v2) into d_model that the trunk package
 * publishes ({@value #FILE}, tensor {@value #TENSOR} {@code [d_model, 384]}, listed and hashed in the trunk's
 * manifest, so it is part of the trunk's content hash): every owner maps its domain embedding the same way. The
 * matrix is Gaussian with variance 1/d_model (a Johnson-Lindenstrauss map: norms and angles are kept roughly), drawn
 * from a fixed seed; a unit embedding maps to a router row of norm about 1.
 */
public final class DomainProjection {
    public static final String FILE = "domain_projection.safetensors";
    public static final String TENSOR = "domain_projection";
    public static final long SEED = 384_2025L;

    private final float[] matrix;
    private final int hidden;
    private final int width;

    public DomainProjection(float[] matrix, int hidden, int width) {
        if (matrix.length != hidden * width) {
            throw new IllegalArgumentException("projection needs " + hidden + " x " + width + " values");
        }
        this.matrix = matrix;
        this.hidden = hidden;
        this.width = width;
    }

    public static DomainProjection random(int hidden, int width, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] m = new float[hidden * width];
        double std = 1.0 / Math.sqrt(hidden);
        for (int i = 0; i < m.length; i++) {
            double u1 = rnd.nextDouble();
            double u2 = rnd.nextDouble();
            m[i] = (float) (Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2) * std);
        }
        return new DomainProjection(m, hidden, width);
    }

    /** The projection a trunk publishes; refuses a trunk without one. */
    public static DomainProjection of(TrunkPackage trunk) {
        if (!trunk.manifest().files().containsKey(FILE)) {
            throw new OwnerKitException(trunk.dir() + ": the trunk publishes no domain projection (" + FILE
                    + "); it was not written by 'owner train-public'");
        }
        try (SafetensorsFile f = SafetensorsFile.open(trunk.file(FILE))) {
            SafetensorsFile.TensorInfo info = f.tensors().get(TENSOR);
            if (info == null || info.shape().length != 2 || info.shape()[0] != trunk.config().hiddenSize()) {
                throw new OwnerKitException(trunk.dir() + ": " + FILE + " lacks a [" + trunk.config().hiddenSize() + ", n] tensor " + TENSOR);
            }
            return new DomainProjection(f.read(TENSOR), (int) info.shape()[0], (int) info.shape()[1]);
        } catch (IOException e) {
            throw new OwnerKitException(trunk.dir() + ": cannot read " + FILE + ": " + e.getMessage());
        }
    }

    public void write(Path file) throws IOException {
        new SafetensorsWriter().add(TENSOR, DType.F32, matrix, hidden, width).write(file);
    }

    public int hidden() {
        return hidden;
    }

    public int width() {
        return width;
    }

    /** {@code P u / |u|}: the router row for an embedding {@code u}. */
    public float[] apply(float[] embedding) {
        if (embedding.length != width) {
            throw new OwnerKitException("domain embedding has " + embedding.length + " values, the projection expects " + width);
        }
        double norm = 0;
        for (float x : embedding) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (!(norm > 0)) {
            throw new OwnerKitException("domain embedding is zero");
        }
        float[] r = new float[hidden];
        for (int i = 0; i < hidden; i++) {
            double s = 0;
            for (int j = 0; j < width; j++) {
                s += matrix[i * width + j] * embedding[j];
            }
            r[i] = (float) (s / norm);
        }
        return r;
    }
}
