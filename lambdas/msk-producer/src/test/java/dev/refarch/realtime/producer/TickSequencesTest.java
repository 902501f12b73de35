package dev.refarch.realtime.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The per-symbol sequence of CONTRACTS.md 1: max(previous + 1, tick epoch millis). */
class TickSequencesTest {

    private static final Instant T = Instant.parse("2026-12-01T08:00:00.000Z");

    @Test
    void sequenceIsTheTickTimeInEpochMillisWhenTicksAreAMillisecondApart() {
        TickSequences sequences = new TickSequences();
        assertEquals(T.toEpochMilli(), sequences.next("AMZN", T));
        assertEquals(T.toEpochMilli() + 1000, sequences.next("AMZN", T.plusSeconds(1)));
    }

    @Test
    void sequenceStillGrowsWhenTheClockStandsStillOrGoesBack() {
        TickSequences sequences = new TickSequences();
        long first = sequences.next("AMZN", T);
        assertEquals(first + 1, sequences.next("AMZN", T));
        assertEquals(first + 2, sequences.next("AMZN", T.minusSeconds(5)));
    }

    @Test
    void eachSymbolHasItsOwnSequence() {
        TickSequences sequences = new TickSequences();
        sequences.next("AMZN", T);
        sequences.next("AMZN", T);
        assertEquals(T.toEpochMilli(), sequences.next("MSFT", T));
    }

    @Test
    void aLaterRunInAnotherEnvironmentContinuesAboveAnEarlierOne() {
        TickSequences earlierRun = new TickSequences();
        long last = 0;
        for (int i = 0; i < 60; i++) {
            last = earlierRun.next("AMZN", T.plusSeconds(i));
        }
        long nextRun = new TickSequences().next("AMZN", T.plusSeconds(60));
        assertTrue(nextRun > last, nextRun + " > " + last);
        assertTrue(nextRun < TickSequences.LIMIT, "exact in a GraphQL Float");
    }
}
