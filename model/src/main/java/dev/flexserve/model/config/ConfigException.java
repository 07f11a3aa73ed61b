package dev.flexserve.model.config;

/** A model configuration that FlexServe cannot serve exactly; the message names every problem found. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
