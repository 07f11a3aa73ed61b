package dev.flexserve.model.weights;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A {@link WeightSource} held in memory: random demo weights, test models and small trained models. */
public final class InMemoryWeights implements WeightSource {
    private record Tensor(long[] shape, float[] values) {
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    public InMemoryWeights put(String name, float[] values, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new WeightException(name + ": " + values.length + " values do not fill shape " + Arrays.toString(shape));
        }
        tensors.put(name, new Tensor(shape.clone(), values));
        return this;
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public long[] shape(String name) {
        return tensor(name).shape.clone();
    }

    @Override
    public float[] get(String name, long... shape) {
        Tensor t = tensor(name);
        if (!Arrays.equals(t.shape, shape)) {
            throw new WeightException(name + " has shape " + Arrays.toString(t.shape) + ", expected " + Arrays.toString(shape));
        }
        return t.values;
    }

    private Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new WeightException("missing tensor " + name);
        }
        return t;
    }
}
