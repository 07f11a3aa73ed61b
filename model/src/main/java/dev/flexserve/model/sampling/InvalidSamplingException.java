package dev.flexserve.model.sampling;

/** A sampling value outside the range the OpenAI API allows; the message names the API parameter. */
public class InvalidSamplingException extends IllegalArgumentException {
    public InvalidSamplingException(String message) {
        super(message);
    }
}
