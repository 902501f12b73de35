package dev.refarch.realtime.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TickArrivalTest {

    private static final List<Long> BATCH = List.of(100L, 101L, 102L);

    @Test
    void everyTickOnceInOrderPasses() {
        assertEquals(TickArrival.Verdict.IN_ORDER, TickArrival.judge(BATCH, List.of(100L, 101L, 102L)).verdict());
    }

    @Test
    void eachWayOfFailingIsToldApart() {
        assertEquals(TickArrival.Verdict.NONE, TickArrival.judge(BATCH, List.of()).verdict());
        TickArrival partial = TickArrival.judge(BATCH, List.of(100L, 102L));
        assertEquals(TickArrival.Verdict.PARTIAL, partial.verdict());
        assertEquals(List.of(101L), partial.missing());
        assertEquals(TickArrival.Verdict.DUPLICATED, TickArrival.judge(BATCH, List.of(100L, 101L, 101L, 102L)).verdict());
        assertEquals(TickArrival.Verdict.OUT_OF_ORDER, TickArrival.judge(BATCH, List.of(101L, 100L, 102L)).verdict());
    }

    @Test
    void sequencesAreWrittenRelativeToTheBatchsFirst() {
        TickArrival arrival = TickArrival.judge(BATCH, List.of(101L, 100L));
        assertEquals("2 onTick event(s), sequences [+1, 100]", arrival.describeReceived());
        assertEquals("3 onTick events, sequences [100, +1, +2], each once, in that order", arrival.describeExpected());
    }
}
