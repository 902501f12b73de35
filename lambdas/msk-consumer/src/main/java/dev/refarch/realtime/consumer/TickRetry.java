package dev.refarch.realtime.consumer;

import dev.refarch.realtime.appsync.Sleeper;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How the consumer retries one tick alone after a transient error on its alias: exponential
 * backoff from {@code base}, each wait capped at {@code max}, full jitter, never past the
 * invocation's remaining time.
 *
 * @param base    the cap of the first wait; doubles per retry
 * @param max     the cap of any single wait
 * @param sleeper how waits are spent (tests record them)
 * @param jitter  uniform values in [0, 1) that scale each wait
 */
public record TickRetry(Duration base, Duration max, Sleeper sleeper, DoubleSupplier jitter) {

    /** Validates the bounds. */
    public TickRetry {
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(jitter, "jitter");
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= max, got " + base + " and " + max);
        }
    }

    /** 100 ms doubling up to 5 s, as the AppSync client's own retries. */
    public static TickRetry standard() {
        return new TickRetry(Duration.ofMillis(100), Duration.ofSeconds(5), Sleeper.system(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The wait before retry number {@code retry} (1 for the first). */
    Duration delay(int retry) {
        long cap = max.toNanos();
        int shift = Math.min(retry - 1, 30);
        long ceiling = base.toNanos() > (cap >> shift) ? cap : Math.min(cap, base.toNanos() << shift);
        return Duration.ofNanos((long) (ceiling * jitter.getAsDouble()));
    }
}
