package dev.refarch.realtime.producer;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-symbol {@code sequence} of each tick record: {@code max(previous + 1, the round's due
 * time in epoch milliseconds)}. Strictly increasing per symbol within an execution environment;
 * because it follows the schedule, higher than any earlier slot's ticks in another environment
 * (as long as a symbol ticks at most once a millisecond), and equal in two runs of one slot, so
 * the {@code publishTick} resolver keeps only the newest tick of each symbol and delivers one of
 * two runs' ticks for the same round.
 */
final class TickSequences {

    /** Sequences are exact in a GraphQL Float (a double): below 2^53. */
    static final long LIMIT = 1L << 53;

    private final Map<String, Long> last = new ConcurrentHashMap<>();

    /** The next sequence of {@code symbol} for a tick of the round due at {@code timestamp}. */
    long next(String symbol, Instant timestamp) {
        long sequence = last.merge(symbol, Math.max(1, timestamp.toEpochMilli()),
                (previous, millis) -> Math.max(previous + 1, millis));
        if (sequence >= LIMIT) {
            throw new IllegalStateException("sequence of " + symbol + " reached 2^53");
        }
        return sequence;
    }
}
