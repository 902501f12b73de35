package dev.refarch.realtime.local;

/** A reason the local run cannot start or had to stop, worded for the person running it. */
public final class LocalRunException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LocalRunException(String message) {
        super(message);
    }

    public LocalRunException(String message, Throwable cause) {
        super(message, cause);
    }
}
