package dev.flexserve.model.engine;

/** A failure while computing the model (ONNX Runtime error, invalid input to the engine). */
public class EngineException extends RuntimeException {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
