package dev.refarch.realtime.appsync;

import java.time.Duration;

/** Waits between retries; injectable so tests observe backoffs instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    /** Blocks for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;

    /** {@link Thread#sleep(Duration)}-equivalent for Java 17. */
    static Sleeper system() {
        return d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    }
}
