package dev.refarch.realtime.consumer;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A validated tick as the {@code publishTick} mutation takes it: shaped like the schema's
 * {@code TickInput}, so Jackson serializes it as the mutation variable.
 *
 * @param timestamp        ISO-8601 date-time with offset ({@code AWSDateTime})
 * @param sequence         the producer's per-symbol sequence, 1 <= sequence < 2^53 (exact as the
 *                         schema's {@code Float}); the resolver stores a tick only above the stored one
 * @param previousSequence the sequence of the tick the producer emitted before this one for the
 *                         symbol, below {@code sequence}; null when the record has none (the producer did
 *                         not know it, or an older producer wrote it), and then left out of the variable
 */
public record TickInput(String symbol, double price, double open, double high, double low, double volume,
        String timestamp, long sequence, @JsonInclude(JsonInclude.Include.NON_NULL) Long previousSequence) {

    /** A tick without a previous sequence. */
    public TickInput(String symbol, double price, double open, double high, double low, double volume,
            String timestamp, long sequence) {
        this(symbol, price, open, high, low, volume, timestamp, sequence, null);
    }
}
