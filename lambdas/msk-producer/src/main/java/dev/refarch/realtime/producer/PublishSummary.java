package dev.refarch.realtime.producer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one invocation did.
 *
 * @param rounds         rounds emitted (one tick per symbol each)
 * @param ticksPerSymbol ticks the cluster acknowledged, per symbol
 * @param quoteFailures  ticks skipped because the quote source failed (retryable failures only)
 */
public record PublishSummary(int rounds, Map<String, Integer> ticksPerSymbol, int quoteFailures) {

    public PublishSummary {
        ticksPerSymbol = Map.copyOf(ticksPerSymbol);
    }

    /** This summary with {@code earlier} ticks (acknowledged before a reconnect) added per symbol. */
    public PublishSummary plusAcknowledged(Map<String, Integer> earlier) {
        Map<String, Integer> merged = new LinkedHashMap<>(ticksPerSymbol);
        earlier.forEach((symbol, count) -> merged.merge(symbol, count, Integer::sum));
        return new PublishSummary(rounds, merged, quoteFailures);
    }

    public int ticksSent() {
        return ticksPerSymbol.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The handler's result: plain maps, which any Lambda serializer writes as JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rounds", rounds);
        out.put("ticksSent", ticksSent());
        out.put("ticksPerSymbol", new java.util.TreeMap<>(ticksPerSymbol));
        out.put("quoteFailures", quoteFailures);
        return out;
    }
}
