package dev.flexserve.expert.serving;

/** The process cannot serve its configured expert; its message is one line naming the package and the problem. */
public final class ExpertStartupException extends RuntimeException {
    public ExpertStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
