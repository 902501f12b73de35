package dev.refarch.realtime.producer;

/** Ticks could not be published: the invocation fails so the failure shows in metrics and alarms. */
public final class TickPublishException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TickPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
