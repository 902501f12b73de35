package dev.refarch.realtime.producer;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.OptionalLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One stock quote at one moment; its record JSON has the fields of the GraphQL {@code TickInput}
 * (symbol, price, open, high, low, volume, timestamp as ISO-8601 UTC with milliseconds, the
 * per-symbol sequence the writer assigns, and the symbol's previous sequence when the writer knows it).
 */
public record Tick(String symbol, double price, double open, double high, double low, double volume, Instant timestamp) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public Tick {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(timestamp, "timestamp");
        // AWSDateTime takes at most millisecond precision.
        timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The record value published to Kafka, with the tick's per-symbol {@code sequence} and no previous one. */
    public String toJson(long sequence) {
        return toJson(sequence, OptionalLong.empty());
    }

    /**
     * The record value published to Kafka, with the tick's per-symbol {@code sequence} and, when known,
     * {@code previousSequence}: the sequence of the tick written before it for the symbol (left out
     * when unknown, as a consumer reads a record of an older producer).
     */
    public String toJson(long sequence, OptionalLong previousSequence) {
        ObjectNode node = MAPPER.createObjectNode()
                .put("symbol", symbol)
                .put("price", price)
                .put("open", open)
                .put("high", high)
                .put("low", low)
                .put("volume", volume)
                .put("timestamp", timestamp.toString())
                .put("sequence", sequence);
        previousSequence.ifPresent(previous -> node.put("previousSequence", previous));
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Serializing a tick failed", e);
        }
    }
}
