package dev.refarch.realtime.consumer;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * When the consumer delivers only the newest tick of each symbol of a batch.
 *
 * @param latest whether old batches are conflated ({@code TICK_DELIVERY=latest}); false delivers every tick
 *               ({@code all}, lossless)
 * @param after  how old a batch's oldest record must be, by its timestamp, for the batch to be conflated
 *               ({@code TICK_CONFLATE_AFTER_SECONDS})
 */
public record Conflation(boolean latest, Duration after) {

    /** Every tick, always: the default. */
    public static final Conflation NONE = new Conflation(false, Duration.ofSeconds(30));

    public Conflation {
        Objects.requireNonNull(after, "after");
        if (after.isNegative() || after.isZero()) {
            throw new IllegalArgumentException("TICK_CONFLATE_AFTER_SECONDS must be positive: " + after);
        }
    }

    /** Reads {@code TICK_DELIVERY} ({@code all} or {@code latest}) and the threshold in seconds. */
    static Conflation of(String delivery, int afterSeconds) {
        String mode = delivery == null || delivery.isBlank() ? "all" : delivery.strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("all") && !mode.equals("latest")) {
            throw new IllegalArgumentException("TICK_DELIVERY=" + delivery + " must be all or latest");
        }
        if (afterSeconds < 1 || afterSeconds > 3600) {
            throw new IllegalArgumentException("TICK_CONFLATE_AFTER_SECONDS=" + afterSeconds
                    + " must be between 1 and 3600");
        }
        return new Conflation(mode.equals("latest"), Duration.ofSeconds(afterSeconds));
    }

    /** Whether a batch whose oldest record has this timestamp (epoch ms) is conflated at {@code nowMillis}. */
    boolean applies(OptionalLong oldestTimestamp, long nowMillis) {
        return latest && oldestTimestamp.isPresent() && nowMillis - oldestTimestamp.getAsLong() > after.toMillis();
    }
}
