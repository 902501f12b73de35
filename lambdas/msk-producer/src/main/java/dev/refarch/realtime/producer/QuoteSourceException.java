package dev.refarch.realtime.producer;

/** A quote could not be had. Messages never carry the API key. */
public final class QuoteSourceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public QuoteSourceException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    /** False when retrying cannot help (a rejected key): the invocation fails at once. */
    public boolean retryable() {
        return retryable;
    }
}
