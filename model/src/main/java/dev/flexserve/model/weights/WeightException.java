package dev.flexserve.model.weights;

/** A weight that is missing, has the wrong shape, or cannot be read; the message names the tensor. */
public class WeightException extends IllegalArgumentException {
    public WeightException(String message) {
        super(message);
    }

    public WeightException(String message, Throwable cause) {
        super(message, cause);
    }
}
