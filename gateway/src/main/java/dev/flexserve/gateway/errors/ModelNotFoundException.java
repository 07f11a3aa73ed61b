package dev.flexserve.gateway.errors;

/** A {@code model} this platform does not serve. */
public class ModelNotFoundException extends RuntimeException {
    public ModelNotFoundException(String model) {
        super("the model '" + model + "' does not exist");
    }
}
