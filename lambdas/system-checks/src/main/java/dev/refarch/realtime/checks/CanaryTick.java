package dev.refarch.realtime.checks;

import java.time.Instant;

/**
 * A tick of the canary symbol, as the {@code TickInput} the consumer sends (Jackson writes the
 * components as the input's fields). Its price is fixed and plausible; only the sequence matters.
 *
 * @param symbol    the reserved canary symbol
 * @param price     the price
 * @param open      the open
 * @param high      the high
 * @param low       the low
 * @param volume    the volume
 * @param timestamp ISO-8601, when the check made it
 * @param sequence  above every earlier tick of the symbol: derived from the current time in ms
 */
record CanaryTick(String symbol, double price, double open, double high, double low, double volume,
        String timestamp, long sequence) {

    static CanaryTick of(String symbol, long sequence, Instant now) {
        return new CanaryTick(symbol, 100.0, 100.0, 101.0, 99.0, 1.0, now.toString(), sequence);
    }
}
