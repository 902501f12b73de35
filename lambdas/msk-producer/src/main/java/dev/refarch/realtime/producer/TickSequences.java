package dev.refarch.realtime.producer;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-symbol {@code sequence} of each tick record: {@code max(previous + 1, the round's due
 * time in epoch milliseconds)}. Strictly increasing per symbol within an execution environment;
 * because it follows the schedule, higher than any earlier slot's ticks in another environment
 * (as long as a symbol ticks at most once a millisecond), and equal in two runs of one slot, so
 * the {@code publishTick} resolver keeps only the newest tick of each symbol and delivers one of
 * two runs' ticks for the same round.
 *
 * <p>Each sequence comes with the one this environment gave the symbol before ({@code previousSequence}
 * in the record): sequences follow the clock, so a client cannot tell a lost tick from a pause by
 * their difference, but it can by whether it saw that previous one. Empty for a symbol's first tick
 * in this environment: an earlier environment's last sequence is unknown here.
 */
final class TickSequences {

    /** Sequences are exact in a GraphQL Float (a double): below 2^53. */
    static final long LIMIT = 1L << 53;

    /**
     * A tick's sequence and the previous sequence of its symbol in this environment.
     *
     * @param previous empty for the symbol's first tick here
     */
    record Assigned(long sequence, OptionalLong previous) {
    }

    private final Map<String, Long> last = new ConcurrentHashMap<>();

    /**
     * The next sequence of {@code symbol} for a tick of the round due at {@code timestamp}, with the
     * one it replaces as the symbol's last.
     */
    Assigned assign(String symbol, Instant timestamp) {
        long millis = Math.max(1, timestamp.toEpochMilli());
        long[] previous = new long[1];
        long sequence = last.compute(symbol, (s, before) -> {
            previous[0] = before == null ? 0 : before;
            return before == null ? millis : Math.max(before + 1, millis);
        });
        if (sequence >= LIMIT) {
            throw new IllegalStateException("sequence of " + symbol + " reached 2^53");
        }
        return new Assigned(sequence, previous[0] == 0 ? OptionalLong.empty() : OptionalLong.of(previous[0]));
    }
}
