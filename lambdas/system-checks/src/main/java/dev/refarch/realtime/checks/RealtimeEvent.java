package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One {@code data} message of a subscription: the subscribed field's value (e.g. the {@code onTick}
 * object) and when it arrived, for the publish-to-subscriber latency.
 *
 * @param value        the field's value ({@code payload.data.<field>})
 * @param receivedNanos {@link System#nanoTime()} on arrival
 */
public record RealtimeEvent(JsonNode value, long receivedNanos) {
}
