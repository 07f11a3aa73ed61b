package dev.flexserve.model.packages;

import dev.flexserve.model.safetensors.SafetensorsException;
import dev.flexserve.model.safetensors.SafetensorsFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads a package's safetensors file, turning shape or format problems into package errors. */
final class PackageTensors implements AutoCloseable {
    private final Path dir;
    private final SafetensorsFile file;

    private PackageTensors(Path dir, SafetensorsFile file) {
        this.dir = dir;
        this.file = file;
    }

    static PackageTensors open(Path dir, String name) {
        try {
            return new PackageTensors(dir, SafetensorsFile.open(dir.resolve(name)));
        } catch (SafetensorsException e) {
            throw new PackageException(dir + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read " + name, e);
        }
    }

    boolean has(String tensor) {
        return file.tensors().containsKey(tensor);
    }

    float[][] rows(String tensor, int rows, int cols) {
        float[] flat = read(tensor, rows, cols);
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
            for (float v : out[r]) {
                if (!Float.isFinite(v)) {
                    throw new PackageException(dir + ": tensor " + tensor + " contains NaN or Inf");
                }
            }
        }
        return out;
    }

    float[] vector(String tensor, int n) {
        return read(tensor, n);
    }

    private float[] read(String tensor, long... shape) {
        SafetensorsFile.TensorInfo info = file.tensors().get(tensor);
        if (info == null) {
            throw new PackageException(dir + ": " + file.path().getFileName() + " lacks tensor " + tensor);
        }
        if (!Arrays.equals(info.shape(), shape)) {
            throw new PackageException(dir + ": tensor " + tensor + " has shape " + Arrays.toString(info.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        return file.read(tensor);
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
