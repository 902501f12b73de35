package dev.refarch.realtime.infra.config;

import java.util.Locale;

/** How the tick consumer delivers a batch whose records are old (a consumer catching up). */
public enum TickDelivery {
    /** Every tick, in order: lossless. */
    ALL,
    /** Only the newest tick of each symbol of a batch older than {@code tickConflateAfterSeconds}. */
    LATEST;

    /** The value of the consumer's {@code TICK_DELIVERY} variable and of {@code cdk.json}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
