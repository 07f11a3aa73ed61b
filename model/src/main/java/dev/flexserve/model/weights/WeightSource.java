package dev.flexserve.model.weights;

/**
 * Named float32 tensors in Hugging Face layout (see {@link WeightNames}). Sources hand out one tensor at a time
 * so that a large checkpoint never has to be in memory as a whole.
 */
public interface WeightSource {

    /**
     * The tensor's values in row-major order.
     *
     * @param shape the shape the caller expects; a source must refuse a tensor of another shape
     * @throws WeightException if the tensor is missing or its shape differs
     */
    float[] get(String name, long... shape);
}
