package dev.refarch.realtime.checks;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the checks publish and how long they wait. The durations that come from the deployed
 * configuration ({@code rotationSeconds}, {@code reviewBroadcastMillis}) are given by the caller; the
 * rest are margins with defaults ({@link #of}).
 *
 * @param symbol          the reserved symbol of the canary ticks: no producer publishes it and no viewer
 *                        subscribes to it, so the checks' ticks reach the checks alone
 *                        ({@link #VERIFY_SYMBOL} for {@code system verify}, {@link #CANARY_SYMBOL} for
 *                        the scheduled canary, so the two never make each other's ticks stale)
 * @param author          the author of the checks' chat messages, so viewers see whose they are
 * @param rotation        the configured time between two movie rotations
 * @param reviewBroadcast the configured least time between two review broadcasts
 * @param reviewMargin    how much longer than {@code reviewBroadcast} an {@code onReviews} may take (the
 *                        table's stream, the broadcaster's invocation, AppSync's fan-out)
 * @param rotationMargin  how much longer than two rotations a new movie may take (the rotator's run)
 * @param eventTimeout    how long a published tick or message may take to reach a subscriber
 * @param quietPeriod     how long the checks watch for something that must reach no one
 * @param ticksPerBatch   canary ticks per batch, 2 to 25 (the consumer's batches are up to 25 aliases)
 * @param streamingTimeout how long a tick the producer wrote to the topic may take to reach a subscriber
 *                        (the event source mapping's polling and batching, the consumer's invocation)
 */
public record CheckSettings(String symbol, String author, Duration rotation, Duration reviewBroadcast,
        Duration reviewMargin, Duration rotationMargin, Duration eventTimeout, Duration quietPeriod,
        int ticksPerBatch, Duration streamingTimeout) {

    /** The symbol {@code system verify} publishes: reserved, never a producer's (see docs/verify.md). */
    public static final String VERIFY_SYMBOL = "ZZVERIFY";
    /** The symbol the scheduled canary publishes: its own, so a canary run and a verify run never collide. */
    public static final String CANARY_SYMBOL = "ZZCANARY";
    /** The author of {@code system verify}'s chat messages. */
    public static final String VERIFY_AUTHOR = "system-verify";
    /** The author of the scheduled canary's chat messages. */
    public static final String CANARY_AUTHOR = "system-canary";

    /** The tick resolver's symbol rule ({@code Mutation.publishTick.request.vtl}). */
    static final Pattern SYMBOL = Pattern.compile("[A-Z][A-Z0-9.-]{0,9}");
    /** The chat resolver's author rule: 1 to 32 characters, none a control character. */
    static final Pattern AUTHOR = Pattern.compile("[^\\p{Cntrl}\\u2028\\u2029]{1,32}");

    public CheckSettings {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(author, "author");
        if (!SYMBOL.matcher(symbol).matches()) {
            throw new IllegalArgumentException("symbol " + symbol + " is not one publishTick accepts: 1 to 10 of A-Z,"
                    + " 0-9, '.', '-', starting with a letter");
        }
        if (!AUTHOR.matcher(author).matches() || !author.equals(author.strip())) {
            throw new IllegalArgumentException("author '" + author + "' is not one sendMessage accepts: 1 to 32"
                    + " characters, no control characters, no surrounding spaces");
        }
        positive("rotation", rotation);
        Objects.requireNonNull(reviewBroadcast, "reviewBroadcast");
        if (reviewBroadcast.isNegative()) {
            throw new IllegalArgumentException("reviewBroadcast must not be negative, got " + reviewBroadcast);
        }
        positive("reviewMargin", reviewMargin);
        positive("rotationMargin", rotationMargin);
        positive("eventTimeout", eventTimeout);
        positive("quietPeriod", quietPeriod);
        if (ticksPerBatch < 2 || ticksPerBatch > 25) {
            throw new IllegalArgumentException("ticksPerBatch must be 2 to 25, got " + ticksPerBatch);
        }
        positive("streamingTimeout", streamingTimeout);
    }

    /**
     * {@code system verify}'s settings for a system configured with these intervals: symbol
     * {@value #VERIFY_SYMBOL}, author {@value #VERIFY_AUTHOR}, a review margin of 3 s, a rotation
     * margin of half a rotation up to 5 s ({@link #rotationMarginFor}), 10 s for a tick or message to
     * arrive, 2 s of watching for what must not, 5 ticks a batch, and {@value #STREAMING_TIMEOUT_SECONDS} s for
     * a tick written to the topic to reach the subscriber (an MSK event source mapping polls within seconds;
     * its batching window is 0 to 300 s, see {@code CONSUMER_BATCHING_WINDOW_SECONDS}).
     */
    public static CheckSettings of(Duration rotation, Duration reviewBroadcast) {
        return new CheckSettings(VERIFY_SYMBOL, VERIFY_AUTHOR, rotation, reviewBroadcast, Duration.ofSeconds(3),
                rotationMarginFor(rotation), Duration.ofSeconds(10), Duration.ofSeconds(2), 5,
                Duration.ofSeconds(STREAMING_TIMEOUT_SECONDS));
    }

    /** The default wait for a produced tick to reach the subscriber ({@link #streamingTimeout}). */
    public static final int STREAMING_TIMEOUT_SECONDS = 30;

    /**
     * The scheduled canary's settings: symbol {@value #CANARY_SYMBOL}, author {@value #CANARY_AUTHOR}, the
     * margins of {@link #of}. Its checks ({@link SystemVerifier#canaryChecks}) wait on no rotation and no
     * review broadcast, so those two intervals are placeholders here (one minute, none).
     */
    public static CheckSettings canary() {
        return of(Duration.ofMinutes(1), Duration.ZERO).withIdentity(CANARY_SYMBOL, CANARY_AUTHOR);
    }

    /**
     * How late a rotation may be: half the interval, at most 5 s. A rotation (the rotator's run, its
     * {@code setCurrentMovie}) takes a second or two; the slots are anchored to the schedule, not chained.
     */
    public static Duration rotationMarginFor(Duration rotation) {
        Duration half = rotation.dividedBy(2);
        return half.compareTo(Duration.ofSeconds(5)) < 0 ? half : Duration.ofSeconds(5);
    }

    /** A copy with another rotation interval (and its margin, {@link #rotationMarginFor}). */
    public CheckSettings withRotation(Duration value) {
        return new CheckSettings(symbol, author, value, reviewBroadcast, reviewMargin, rotationMarginFor(value),
                eventTimeout, quietPeriod, ticksPerBatch, streamingTimeout);
    }

    /** A copy with another symbol and author (the canary's). */
    public CheckSettings withIdentity(String otherSymbol, String otherAuthor) {
        return new CheckSettings(otherSymbol, otherAuthor, rotation, reviewBroadcast, reviewMargin, rotationMargin,
                eventTimeout, quietPeriod, ticksPerBatch, streamingTimeout);
    }

    /** A copy with another wait for a produced tick ({@link #streamingTimeout}). */
    public CheckSettings withStreamingTimeout(Duration value) {
        return new CheckSettings(symbol, author, rotation, reviewBroadcast, reviewMargin, rotationMargin,
                eventTimeout, quietPeriod, ticksPerBatch, value);
    }

    /** The longest wait for the broadcaster's {@code onReviews} after a vote. */
    public Duration reviewDeadline() {
        return reviewBroadcast.plus(reviewMargin);
    }

    /** The longest wait for a new movie, counted from the subscription: two rotations and the margin. */
    public Duration rotationDeadline() {
        return rotation.multipliedBy(2).plus(rotationMargin);
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
