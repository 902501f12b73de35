package dev.refarch.realtime.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The per-symbol sequence, max(previous + 1, tick epoch millis), and the previous
 * sequence each tick carries.
 */
class TickSequencesTest {

    private static long next(TickSequences sequences, String symbol, Instant timestamp) {
        return sequences.assign(symbol, timestamp).sequence();
    }

    private static final Instant T = Instant.parse("2026-12-01T08:00:00.000Z");

    @Test
    void sequenceIsTheTickTimeInEpochMillisWhenTicksAreAMillisecondApart() {
        TickSequences sequences = new TickSequences();
        assertEquals(T.toEpochMilli(), next(sequences, "AMZN", T));
        assertEquals(T.toEpochMilli() + 1000, next(sequences, "AMZN", T.plusSeconds(1)));
    }

    @Test
    void sequenceStillGrowsWhenTheClockStandsStillOrGoesBack() {
        TickSequences sequences = new TickSequences();
        long first = next(sequences, "AMZN", T);
        assertEquals(first + 1, next(sequences, "AMZN", T));
        assertEquals(first + 2, next(sequences, "AMZN", T.minusSeconds(5)));
    }

    @Test
    void eachSymbolHasItsOwnSequence() {
        TickSequences sequences = new TickSequences();
        next(sequences, "AMZN", T);
        next(sequences, "AMZN", T);
        assertEquals(T.toEpochMilli(), next(sequences, "MSFT", T));
    }

    @Test
    void aLaterRunInAnotherEnvironmentContinuesAboveAnEarlierOne() {
        TickSequences earlierRun = new TickSequences();
        long last = 0;
        for (int i = 0; i < 60; i++) {
            last = next(earlierRun, "AMZN", T.plusSeconds(i));
        }
        long nextRun = next(new TickSequences(), "AMZN", T.plusSeconds(60));
        assertTrue(nextRun > last, nextRun + " > " + last);
        assertTrue(nextRun < TickSequences.LIMIT, "exact in a GraphQL Float");
    }

    @Test
    void eachSequenceComesWithThePreviousOneOfItsSymbolAndTheFirstInAnEnvironmentWithNone() {
        TickSequences sequences = new TickSequences();
        TickSequences.Assigned first = sequences.assign("AMZN", T);
        assertEquals(OptionalLong.empty(), first.previous());
        TickSequences.Assigned second = sequences.assign("AMZN", T.plusSeconds(1));
        assertEquals(OptionalLong.of(first.sequence()), second.previous());
        // Another symbol's first tick has none; the clock standing still still chains them.
        assertEquals(OptionalLong.empty(), sequences.assign("MSFT", T.plusSeconds(1)).previous());
        TickSequences.Assigned third = sequences.assign("AMZN", T.plusSeconds(1));
        assertEquals(second.sequence() + 1, third.sequence());
        assertEquals(OptionalLong.of(second.sequence()), third.previous());
        // A fresh environment (SnapStart restore, a second concurrent one) does not know the last one.
        assertEquals(OptionalLong.empty(), new TickSequences().assign("AMZN", T.plusSeconds(2)).previous());
    }
}
