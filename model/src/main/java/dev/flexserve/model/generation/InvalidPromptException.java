package dev.flexserve.model.generation;

/**
 * A prompt this model cannot complete: empty, over the context, with ids outside the vocabulary, or with stop
 * sequences on a model without a tokenizer. The caller's input is at fault, never the library.
 */
public class InvalidPromptException extends IllegalArgumentException {
    public InvalidPromptException(String message) {
        super(message);
    }
}
