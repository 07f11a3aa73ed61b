package dev.flexserve.ownerkit.embedding;

import dev.flexserve.model.packages.TrunkPackage;
import dev.flexserve.model.safetensors.DType;
import dev.flexserve.model.safetensors.SafetensorsFile;
import dev.flexserve.model.safetensors.SafetensorsWriter;
import dev.flexserve.ownerkit.OwnerKitException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The space in which every expert's domain is placed, published by the trunk ({@value #FILE}, listed and hashed in its
 * manifest, so part of the trunk's content hash). Per layer l: a projection {@code P_l [d, k]} of the router input
 * {@code h} (the trunk's context summary, or the identity), a temperature {@code tau_l}, and the public text's centroid
 * {@code m_0} in that space. An expert whose documents have the mean router input {@code c} sits at
 * {@code m = c P}; its router row is {@code tau P m} and its bias {@code -tau (|m|^2 - |m_0|^2) / 2}, so that the
 * served gate (DESIGN §1: {@code h . r + b}, softmax) is a softmax over {@code -tau |h P - m_e|^2 / 2}: each token goes
 * to the experts whose domains it is nearest to in the routing space, with no training and no data of anyone else.
 */
public final class RoutingSpace {
    public static final String FILE = "routing_space.safetensors";

    private final int hidden;
    private final int dims;
    private final float[][] projection;
    private final float[] temperature;
    private final float[][] publicCentroid;

    public RoutingSpace(int hidden, int dims, float[][] projection, float[] temperature, float[][] publicCentroid) {
        this.hidden = hidden;
        this.dims = dims;
        this.projection = projection;
        this.temperature = temperature;
        this.publicCentroid = publicCentroid;
    }

    public int layers() {
        return temperature.length;
    }

    public int dims() {
        return dims;
    }

    public float temperature(int layer) {
        return temperature[layer];
    }

    /** {@code c P_l}: a mean router input of layer {@code layer} in the routing space. */
    public float[] project(int layer, float[] c) {
        float[] m = new float[dims];
        float[] p = projection[layer];
        for (int i = 0; i < hidden; i++) {
            for (int j = 0; j < dims; j++) {
                m[j] += c[i] * p[i * dims + j];
            }
        }
        return m;
    }

    /** The router row {@code tau P m} of a domain at {@code m} (routing space) in layer {@code layer}. */
    public float[] routerRow(int layer, float[] m) {
        float[] r = new float[hidden];
        float[] p = projection[layer];
        for (int i = 0; i < hidden; i++) {
            double s = 0;
            for (int j = 0; j < dims; j++) {
                s += p[i * dims + j] * m[j];
            }
            r[i] = (float) (temperature[layer] * s);
        }
        return r;
    }

    /** {@code -tau (|m|^2 - |m_0|^2) / 2}, unclamped (the caller keeps the served bias non-positive). */
    public float bias(int layer, float[] m) {
        return (float) (-temperature[layer] * (squaredNorm(m) - squaredNorm(publicCentroid[layer])) / 2);
    }

    public float[] publicCentroid(int layer) {
        return publicCentroid[layer];
    }

    static double squaredNorm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return s;
    }

    public void write(Path file) throws IOException {
        int layers = layers();
        float[] p = new float[layers * hidden * dims];
        float[] m = new float[layers * dims];
        for (int l = 0; l < layers; l++) {
            System.arraycopy(projection[l], 0, p, l * hidden * dims, hidden * dims);
            System.arraycopy(publicCentroid[l], 0, m, l * dims, dims);
        }
        new SafetensorsWriter()
                .add("projection", DType.F32, p, layers, hidden, dims)
                .add("temperature", DType.F32, temperature.clone(), layers)
                .add("public_centroid", DType.F32, m, layers, dims)
                .write(file);
    }

    /** The routing space a trunk publishes; refuses a trunk without one. */
    public static RoutingSpace of(TrunkPackage trunk) {
        if (!trunk.manifest().files().containsKey(FILE)) {
            throw new OwnerKitException(trunk.dir() + ": the trunk publishes no routing space (" + FILE
                    + "); it was not written by 'owner train-public'");
        }
        try (SafetensorsFile f = SafetensorsFile.open(trunk.file(FILE))) {
            SafetensorsFile.TensorInfo info = f.tensors().get("projection");
            int layers = trunk.config().numHiddenLayers();
            int d = trunk.config().hiddenSize();
            if (info == null || info.shape().length != 3 || info.shape()[0] != layers || info.shape()[1] != d) {
                throw new OwnerKitException(trunk.dir() + ": " + FILE + " lacks a [" + layers + ", " + d + ", k] projection");
            }
            int k = (int) info.shape()[2];
            float[] p = f.read("projection");
            float[] m = f.read("public_centroid");
            float[][] projection = new float[layers][];
            float[][] centroid = new float[layers][];
            for (int l = 0; l < layers; l++) {
                projection[l] = java.util.Arrays.copyOfRange(p, l * d * k, (l + 1) * d * k);
                centroid[l] = java.util.Arrays.copyOfRange(m, l * k, (l + 1) * k);
            }
            return new RoutingSpace(d, k, projection, f.read("temperature"), centroid);
        } catch (IOException | RuntimeException e) {
            if (e instanceof OwnerKitException o) {
                throw o;
            }
            throw new OwnerKitException(trunk.dir() + ": cannot read " + FILE + ": " + e.getMessage());
        }
    }
}
