package dev.refarch.realtime.broadcaster;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps this execution environment's broadcasts at least {@code interval} apart. It remembers
 * the last broadcast in the warm environment (the mapping sends one batch per shard at a time
 * to one environment, so that is where the previous broadcast of the shard happened) and makes
 * a batch that arrives sooner wait out the remainder, provided the wait ends within the
 * invocation's deadline. While it waits, new stream records accumulate and arrive together in
 * the next batch, which is what keeps the rate bounded whatever the vote rate.
 *
 * <p>The function uses {@link BroadcastSlot}, which bounds the table; this pacer remains for a single
 * environment's tests and as the baseline the slot's test compares with.
 *
 * <p>What it does not bound: broadcasts from different environments. Two shards of the stream
 * processed at once (a table split into several partitions at very high write rates, or a parent
 * and a child shard around a split) each get their own environment and pacer; a fresh
 * environment (a cold start after a scale-in) starts with no memory of the last broadcast.
 */
public final class BroadcastPacer implements BroadcastTurns {

    /** Sleeps for a duration; the tests pass one that advances their clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Duration interval;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long lastBroadcastNanos;
    private boolean broadcastBefore;

    public BroadcastPacer(Duration interval, LongSupplier nanoTime, Sleeper sleeper) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative: " + interval);
        }
        this.interval = interval;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** A pacer on the system's monotonic clock. */
    public static BroadcastPacer system(Duration interval) {
        return new BroadcastPacer(interval, System::nanoTime, d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));
    }

    /**
     * Waits until a broadcast may start and records it as started.
     *
     * @param timeLeft the invocation's remaining time (minus its margin)
     * @return false, without waiting, when the wait would not end within {@code timeLeft}
     *     (nothing recorded: the caller fails the batch so the mapping retries it)
     */
    public synchronized boolean awaitTurn(Supplier<Duration> timeLeft) throws InterruptedException {
        Duration wait = remaining();
        if (wait.compareTo(timeLeft.get()) >= 0 && !wait.isZero()) {
            return false;
        }
        if (!wait.isZero()) {
            sleeper.sleep(wait);
        }
        lastBroadcastNanos = nanoTime.getAsLong();
        broadcastBefore = true;
        return true;
    }

    /** {@link #awaitTurn} as a {@link Turn}: this environment's batches are never covered by another's. */
    @Override
    public Turn await(Supplier<Duration> timeLeft) throws InterruptedException {
        return awaitTurn(timeLeft) ? Turn.BROADCAST : Turn.LATE;
    }

    /** How long until the next broadcast may start; zero when it may start now. */
    public synchronized Duration remaining() {
        if (!broadcastBefore) {
            return Duration.ZERO;
        }
        long left = interval.toNanos() - (nanoTime.getAsLong() - lastBroadcastNanos);
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    public Duration interval() {
        return interval;
    }
}
