package dev.refarch.realtime.producer;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One stock quote at one moment; its record JSON has exactly the fields of the GraphQL
 * {@code TickInput} (symbol, price, open, high, low, volume, timestamp as ISO-8601 UTC with
 * milliseconds, and the per-symbol sequence the writer assigns).
 */
public record Tick(String symbol, double price, double open, double high, double low, double volume, Instant timestamp) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public Tick {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(timestamp, "timestamp");
        // AWSDateTime takes at most millisecond precision.
        timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The record value published to Kafka, with the tick's per-symbol {@code sequence}. */
    public String toJson(long sequence) {
        ObjectNode node = MAPPER.createObjectNode()
                .put("symbol", symbol)
                .put("price", price)
                .put("open", open)
                .put("high", high)
                .put("low", low)
                .put("volume", volume)
                .put("timestamp", timestamp.toString())
                .put("sequence", sequence);
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Serializing a tick failed", e);
        }
    }
}
