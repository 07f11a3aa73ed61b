package dev.flexserve.attribution.event;

/** A message that is not a valid attribution event; the message says where and why, for the dead-letter topic. */
public class InvalidEventException extends Exception {
    public InvalidEventException(String message) {
        super(message);
    }
}
