package dev.refarch.realtime.appsync;

import java.util.OptionalInt;

/**
 * A request got no usable answer: a status that retrying cannot fix, or retries ran out
 * (attempts or time). Carries why, how many attempts were made and the last HTTP status.
 */
public final class AppSyncRequestFailedException extends AppSyncException {

    /** Why the client stopped. */
    public enum Reason {
        /** A 4xx other than 429: the request itself is wrong (auth, validation, size). */
        NOT_RETRYABLE,
        /** Every allowed attempt got a 429, a 5xx or an I/O error. */
        ATTEMPTS_EXHAUSTED,
        /** The caller's remaining time did not allow another attempt or its backoff. */
        DEADLINE_REACHED,
        /** One item alone is larger than the configured request size guard; never sent. */
        TOO_LARGE,
        /** The thread was interrupted while waiting to retry. */
        INTERRUPTED
    }

    private final Reason reason;
    private final int attempts;
    private final Integer lastStatus;

    AppSyncRequestFailedException(Reason reason, int attempts, Integer lastStatus, String detail, Throwable cause) {
        super(reason + " after " + attempts + " attempt(s)"
                + (lastStatus == null ? "" : ", last HTTP status " + lastStatus)
                + (cause == null ? "" : ", last error " + cause)
                + (detail == null || detail.isEmpty() ? "" : ": " + detail), cause);
        this.reason = reason;
        this.attempts = attempts;
        this.lastStatus = lastStatus;
    }

    /** Why the client stopped. */
    public Reason reason() {
        return reason;
    }

    /** HTTP attempts made, 0 when none was sent. */
    public int attempts() {
        return attempts;
    }

    /** Status of the last HTTP response; empty when the last attempt got none (I/O error) or none was sent. */
    public OptionalInt lastStatus() {
        return lastStatus == null ? OptionalInt.empty() : OptionalInt.of(lastStatus);
    }
}
