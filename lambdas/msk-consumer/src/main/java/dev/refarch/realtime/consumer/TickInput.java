package dev.refarch.realtime.consumer;

/**
 * A validated tick as the {@code publishTick} mutation takes it: shaped like the schema's
 * {@code TickInput}, so Jackson serializes it as the mutation variable.
 *
 * @param timestamp ISO-8601 date-time with offset ({@code AWSDateTime})
 * @param sequence  the producer's per-symbol sequence, 1 <= sequence < 2^53 (exact as the
 *                  schema's {@code Float}); the resolver stores a tick only above the stored one
 */
public record TickInput(String symbol, double price, double open, double high, double low, double volume,
        String timestamp, long sequence) {
}
