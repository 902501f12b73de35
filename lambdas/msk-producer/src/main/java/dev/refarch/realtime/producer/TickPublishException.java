package dev.refarch.realtime.producer;

import java.util.Map;

/** Ticks could not be published: the invocation fails so the failure shows in metrics and alarms. */
public final class TickPublishException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Map<String, Integer> acknowledged;

    public TickPublishException(String message, Throwable cause) {
        this(message, cause, Map.of());
    }

    /** @param acknowledged ticks the cluster acknowledged per symbol before the failure */
    public TickPublishException(String message, Throwable cause, Map<String, Integer> acknowledged) {
        super(message, cause);
        this.acknowledged = Map.copyOf(acknowledged);
    }

    /** Ticks acknowledged per symbol before the failure (empty when unknown). */
    public Map<String, Integer> acknowledged() {
        return acknowledged;
    }

    /** Whether the brokers refused the SCRAM credentials (e.g. the password was rotated). */
    public boolean isAuthenticationFailure() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.AuthenticationException) {
                return true;
            }
        }
        return false;
    }
}
