package dev.refarch.realtime.consumer;

/**
 * A validated tick, shaped like the schema's {@code TickInput} so Jackson serializes it as the
 * mutation variable.
 *
 * @param timestamp ISO-8601 date-time with offset ({@code AWSDateTime})
 */
public record Tick(String symbol, double price, double open, double high, double low, double volume,
        String timestamp) {
}
