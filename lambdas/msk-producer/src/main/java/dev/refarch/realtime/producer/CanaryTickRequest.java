package dev.refarch.realtime.producer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An invocation that asks for one canary tick instead of a minute of quotes:
 * {@code {"canaryTick": {"symbol": "ZZVERIFY", "sequence": 1767000000000}}}. {@code system verify}
 * sends it to prove the streaming path (producer, topic, event source mapping, consumer, AppSync):
 * the producer writes exactly that one tick to the topic, keyed by its symbol as every tick is, and
 * answers where it wrote it ({@link CanaryTickResult}).
 *
 * <p>Validated strictly, since anyone who may invoke the producer could otherwise write any tick a
 * viewer sees: only the reserved canary symbols ({@link #SYMBOLS}, the system checks'
 * {@code CheckSettings.VERIFY_SYMBOL} and {@code CANARY_SYMBOL}, which no producer quotes and no page
 * subscribes to), a whole positive sequence below 2^53 (exact in GraphQL's Float), and nothing else in
 * the event. Anything else is refused with {@link IllegalArgumentException}, which fails the invocation
 * with its message and writes nothing.
 *
 * @param symbol   a reserved canary symbol
 * @param sequence the tick's sequence: above the symbol's last, or the tick resolver refuses it as stale
 */
public record CanaryTickRequest(String symbol, long sequence) {

    /** The event's one field. */
    public static final String FIELD = "canaryTick";
    /** The reserved canary symbols: {@code system verify}'s and the scheduled canary's. */
    public static final Set<String> SYMBOLS = Set.of("ZZVERIFY", "ZZCANARY");

    private static final Set<String> FIELDS = Set.of("symbol", "sequence");

    public CanaryTickRequest {
        if (symbol == null || !SYMBOLS.contains(symbol)) {
            throw refused("symbol " + (symbol == null ? "null" : "'" + symbol + "'")
                    + " is not a reserved canary symbol " + new TreeSet<>(SYMBOLS));
        }
        if (sequence <= 0 || sequence >= TickSequences.LIMIT) {
            throw refused("sequence " + sequence + " is not a whole number from 1 to 2^53 - 1");
        }
    }

    /**
     * The canary request of an event, or empty for any other event (a scheduled run).
     *
     * @throws IllegalArgumentException for an event with a {@value #FIELD} that is not exactly a valid one
     */
    public static Optional<CanaryTickRequest> from(Map<String, Object> event) {
        if (event == null || !event.containsKey(FIELD)) {
            return Optional.empty();
        }
        if (event.size() != 1) {
            throw refused("it has other fields than " + FIELD + ": " + new TreeSet<>(event.keySet()));
        }
        if (!(event.get(FIELD) instanceof Map<?, ?> request)) {
            throw refused(FIELD + " is not an object with symbol and sequence");
        }
        if (!FIELDS.equals(request.keySet())) {
            throw refused(FIELD + " must have exactly the fields " + new TreeSet<>(FIELDS) + ", got "
                    + new TreeSet<>(request.keySet().stream().map(String::valueOf).toList()));
        }
        Object symbol = request.get("symbol");
        if (!(symbol instanceof String text)) {
            throw refused("symbol is not a string: " + symbol);
        }
        return Optional.of(new CanaryTickRequest(text, wholeNumber(request.get("sequence"))));
    }

    private static long wholeNumber(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        // Lambda's serializer may read a JSON number as a double; a whole one is accepted as such.
        if (value instanceof Number number && List.of(Double.class, Float.class).contains(number.getClass())) {
            double d = number.doubleValue();
            if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < TickSequences.LIMIT) {
                return (long) d;
            }
        }
        if (value instanceof java.math.BigInteger big && big.bitLength() < 63) {
            return big.longValue();
        }
        throw refused("sequence is not a whole number: " + value);
    }

    private static IllegalArgumentException refused(String why) {
        return new IllegalArgumentException("Refused canary event: " + why);
    }
}
