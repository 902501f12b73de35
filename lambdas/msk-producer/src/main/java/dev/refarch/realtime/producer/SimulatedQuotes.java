package dev.refarch.realtime.producer;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Built-in quote simulator: a random walk per symbol. The open is fixed for the (UTC) day, high
 * and low track the walk, volume only grows. For a given seed each symbol's sequence of prices
 * and volumes is the same on every run, whatever the other symbols or their order.
 */
public final class SimulatedQuotes implements QuoteSource {

    /** Standard deviation of one step, relative to the price. */
    private static final double STEP_VOLATILITY = 0.0015;

    private long seed;
    private final Clock clock;
    private final Map<String, Walk> walks = new HashMap<>();

    public SimulatedQuotes(long seed, Clock clock) {
        this.seed = seed;
        this.clock = clock;
    }

    /**
     * Starts every walk afresh from {@code newSeed}, e.g. after a SnapStart restore, where the
     * seed chosen at init is shared by every environment restored from the snapshot.
     */
    public synchronized void reseed(long newSeed) {
        seed = newSeed;
        walks.clear();
    }

    @Override
    public synchronized Tick next(String symbol) {
        Instant now = clock.instant();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return walks.computeIfAbsent(symbol, this::startWalk).step(day, symbol, now);
    }

    private Walk startWalk(String symbol) {
        // Mixing the symbol into the seed keeps each symbol's walk independent of the others.
        Random random = new Random(seed ^ (symbol.hashCode() * 0x9E3779B97F4A7C15L));
        return new Walk(random, cents(20 + random.nextDouble() * 480));
    }

    private static double cents(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static final class Walk {
        private final Random random;
        private LocalDate day;
        private double price;
        private double open;
        private double high;
        private double low;
        private double volume;

        Walk(Random random, double firstPrice) {
            this.random = random;
            this.price = firstPrice;
        }

        Tick step(LocalDate today, String symbol, Instant now) {
            if (!today.equals(day)) {
                day = today;
                open = price;
                high = price;
                low = price;
                volume = 0;
            } else {
                price = Math.max(0.01, cents(price * (1 + random.nextGaussian() * STEP_VOLATILITY)));
                high = Math.max(high, price);
                low = Math.min(low, price);
            }
            volume += 100L * (1 + random.nextInt(50));
            return new Tick(symbol, price, open, high, low, volume, now);
        }
    }
}
