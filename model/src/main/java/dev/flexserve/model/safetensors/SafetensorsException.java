package dev.flexserve.model.safetensors;

/** A safetensors file that is malformed, truncated, or lacks a tensor; the message names the file or tensor. */
public class SafetensorsException extends IllegalArgumentException {
    public SafetensorsException(String message) {
        super(message);
    }
}
