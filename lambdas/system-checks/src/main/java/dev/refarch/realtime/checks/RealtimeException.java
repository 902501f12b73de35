package dev.refarch.realtime.checks;

/**
 * The real-time endpoint did not give what was asked: a connection or a subscription. Says which
 * way it failed, and what the server said, so a check can name the likely cause.
 */
public final class RealtimeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** How it failed. */
    public enum Kind {
        /** No WebSocket: the endpoint could not be reached (DNS, network, nothing listening). */
        UNREACHABLE,
        /** The server answered no: an HTTP status on the upgrade, {@code connection_error}, or an {@code error} for a start. */
        REFUSED,
        /** Nothing came back in time ({@code connection_ack} or {@code start_ack}). */
        NO_ANSWER,
        /** The server closed the connection before answering. */
        CLOSED
    }

    private final Kind kind;
    private final String errorType;
    private final int httpStatus;

    /**
     * @param kind       how it failed
     * @param errorType  the server's {@code errorType} (e.g. {@code UnauthorizedException}), or null
     * @param httpStatus the upgrade's HTTP status when it was refused there, else 0
     * @param message    what happened, one line
     */
    public RealtimeException(Kind kind, String errorType, int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorType = errorType;
        this.httpStatus = httpStatus;
    }

    public Kind kind() {
        return kind;
    }

    /** The server's {@code errorType}, or null. */
    public String errorType() {
        return errorType;
    }

    /** The HTTP status of a refused upgrade, else 0. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether the server refused the credentials (the API key): AppSync's {@code UnauthorizedException}, 401 or 403. */
    public boolean unauthorized() {
        return kind == Kind.REFUSED && (httpStatus == 401 || httpStatus == 403
                || errorType != null && errorType.startsWith("Unauthorized"));
    }
}
