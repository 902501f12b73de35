package dev.refarch.realtime.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SimulatedQuotesTest {

    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-21T14:30:00Z"), ZoneOffset.UTC);

    @Test
    void sameSeedGivesSameTicks() {
        assertEquals(walk(new SimulatedQuotes(42, FIXED), "AMZN", 200), walk(new SimulatedQuotes(42, FIXED), "AMZN", 200));
    }

    @Test
    void differentSeedsGiveDifferentTicks() {
        assertNotEquals(walk(new SimulatedQuotes(42, FIXED), "AMZN", 20), walk(new SimulatedQuotes(43, FIXED), "AMZN", 20));
    }

    @Test
    void aSymbolsTicksDoNotDependOnOtherSymbols() {
        SimulatedQuotes mixed = new SimulatedQuotes(7, FIXED);
        List<Tick> amzn = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            mixed.next("MSFT");
            amzn.add(mixed.next("AMZN"));
        }
        assertEquals(walk(new SimulatedQuotes(7, FIXED), "AMZN", 50), amzn);
    }

    @Test
    void openIsFixedHighAndLowTrackTheWalkVolumeGrows() {
        List<Tick> ticks = walk(new SimulatedQuotes(1, FIXED), "AMZN", 500);
        double open = ticks.get(0).open();
        double maxSeen = 0;
        double minSeen = Double.MAX_VALUE;
        double previousVolume = 0;
        for (Tick t : ticks) {
            maxSeen = Math.max(maxSeen, t.price());
            minSeen = Math.min(minSeen, t.price());
            assertEquals(open, t.open());
            assertEquals(maxSeen, t.high());
            assertEquals(minSeen, t.low());
            assertTrue(t.volume() > previousVolume, "volume grows");
            assertTrue(t.price() > 0);
            previousVolume = t.volume();
        }
        assertTrue(maxSeen > minSeen, "the price moves");
    }

    @Test
    void aNewUtcDayOpensAtTheLastPriceWithFreshVolume() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T23:59:58Z"));
        SimulatedQuotes quotes = new SimulatedQuotes(3, clock);
        Tick lastOfDay = null;
        for (int i = 0; i < 20; i++) {
            lastOfDay = quotes.next("AMZN");
        }
        clock.now = Instant.parse("2026-11-22T00:00:01Z");
        Tick firstOfNextDay = quotes.next("AMZN");
        assertEquals(lastOfDay.price(), firstOfNextDay.open());
        assertEquals(firstOfNextDay.open(), firstOfNextDay.high());
        assertEquals(firstOfNextDay.open(), firstOfNextDay.low());
        assertTrue(firstOfNextDay.volume() < lastOfDay.volume());
        assertEquals(Instant.parse("2026-11-22T00:00:01Z"), firstOfNextDay.timestamp());
    }

    private static List<Tick> walk(SimulatedQuotes quotes, String symbol, int n) {
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ticks.add(quotes.next(symbol));
        }
        return ticks;
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

}
