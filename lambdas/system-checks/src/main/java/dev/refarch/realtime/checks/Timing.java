package dev.refarch.realtime.checks;

import java.time.Duration;
import java.util.Locale;

/** Elapsed time on the monotonic clock, as the checks measure it. */
final class Timing {

    private Timing() {
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** What is left of {@code budget} counted from {@code startNanos}; never negative. */
    static Duration left(long startNanos, Duration budget) {
        Duration left = budget.minus(since(startNanos));
        return left.isNegative() ? Duration.ZERO : left;
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.2f s", duration.toMillis() / 1000.0);
    }
}
