package dev.refarch.realtime.rotator;

/**
 * A newer rotation got there first: a row holds a higher rotation number, or
 * {@code setCurrentMovie} answered {@code StaleRotation}. The stale invocation stops without
 * changing anything more; it is not a failure of the system.
 */
public final class StaleRotationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StaleRotationException(String message) {
        super(message);
    }
}
