package dev.refarch.realtime.producer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the producer wrote a canary tick ({@link CanaryTickRequest}), as the cluster acknowledged it.
 *
 * @param symbol    the canary symbol (the record's key)
 * @param sequence  the tick's sequence
 * @param topic     the topic
 * @param partition the partition the symbol's key maps to
 * @param offset    the record's offset
 */
public record CanaryTickResult(String symbol, long sequence, String topic, int partition, long offset) {

    /** The handler's result: {@code {"canaryTick": {"symbol":..,"sequence":..,"topic":..,"partition":..,"offset":..}}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> tick = new LinkedHashMap<>();
        tick.put("symbol", symbol);
        tick.put("sequence", sequence);
        tick.put("topic", topic);
        tick.put("partition", partition);
        tick.put("offset", offset);
        return Map.of(CanaryTickRequest.FIELD, tick);
    }
}
