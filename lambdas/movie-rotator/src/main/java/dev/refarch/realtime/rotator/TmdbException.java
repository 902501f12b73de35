package dev.refarch.realtime.rotator;

/** TMDb gave no usable page of popular movies; {@link #kind()} says why. */
public final class TmdbException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The failure kinds, also the {@code Kind} dimension of the {@code TmdbFailures} metric. */
    public enum Kind {
        /** 401: the key is wrong or revoked. */
        UNAUTHORIZED,
        /** 429. */
        RATE_LIMITED,
        /** 5xx. */
        SERVER_ERROR,
        /** Another unexpected status. */
        UNEXPECTED_STATUS,
        /** No answer within the connect or read timeout. */
        TIMEOUT,
        /** Connection refused, DNS, TLS, reset. */
        UNREACHABLE,
        /** The body is not the JSON TMDb documents. */
        MALFORMED,
        /** A well-formed page without a single usable movie. */
        EMPTY
    }

    private final Kind kind;

    public TmdbException(Kind kind, String message, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
