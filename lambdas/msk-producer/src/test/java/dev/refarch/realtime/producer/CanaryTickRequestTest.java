package dev.refarch.realtime.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The canary event is read strictly: the reserved symbols, a whole positive sequence, nothing else. */
class CanaryTickRequestTest {

    private static Map<String, Object> event(Object symbol, Object sequence) {
        Map<String, Object> tick = new LinkedHashMap<>();
        tick.put("symbol", symbol);
        tick.put("sequence", sequence);
        return Map.of("canaryTick", tick);
    }

    private static String refusal(Map<String, Object> event) {
        return assertThrows(IllegalArgumentException.class, () -> CanaryTickRequest.from(event)).getMessage();
    }

    @Test
    void aCanaryEventOfAReservedSymbolIsAccepted() {
        assertEquals(Optional.of(new CanaryTickRequest("ZZVERIFY", 1_767_000_000_000L)),
                CanaryTickRequest.from(event("ZZVERIFY", 1_767_000_000_000L)));
        assertEquals(Optional.of(new CanaryTickRequest("ZZCANARY", 7L)), CanaryTickRequest.from(event("ZZCANARY", 7)));
        // Lambda's serializer may read a JSON number as a double: a whole one is the same sequence.
        assertEquals(Optional.of(new CanaryTickRequest("ZZVERIFY", 1_767_000_000_000L)),
                CanaryTickRequest.from(event("ZZVERIFY", 1.767e12)));
    }

    @Test
    void aScheduledEventIsNoCanaryEvent() {
        assertEquals(Optional.empty(), CanaryTickRequest.from(Map.of("time", "2026-12-01T10:00:00Z",
                "detail-type", "Scheduled Event")));
        assertEquals(Optional.empty(), CanaryTickRequest.from(Map.of()));
        assertEquals(Optional.empty(), CanaryTickRequest.from(null));
    }

    @Test
    void aSymbolViewersWatchIsRefused() {
        assertEquals("Refused canary event: symbol 'AMZN' is not a reserved canary symbol [ZZCANARY, ZZVERIFY]",
                refusal(event("AMZN", 5L)));
        assertTrue(refusal(event("zzverify", 5L)).contains("not a reserved canary symbol"));
        assertTrue(refusal(event(null, 5L)).contains("symbol is not a string"));
        assertTrue(refusal(event(42, 5L)).contains("symbol is not a string"));
    }

    @Test
    void aSequenceThatIsNotAWholePositiveNumberBelowTwoToThe53IsRefused() {
        for (Object bad : List.of(0, -1L, 1.5, "12", 9_007_199_254_740_992L, Double.NaN)) {
            String message = refusal(event("ZZVERIFY", bad));
            assertTrue(message.startsWith("Refused canary event: sequence"), bad + ": " + message);
        }
        Map<String, Object> noSequence = new HashMap<>();
        noSequence.put("canaryTick", new HashMap<>(Map.of("symbol", "ZZVERIFY")));
        assertTrue(refusal(noSequence).contains("must have exactly the fields [sequence, symbol]"));
    }

    @Test
    void anythingBesidesTheCanaryTickIsRefused() {
        Map<String, Object> extraField = new HashMap<>(event("ZZVERIFY", 5L));
        extraField.put("time", "2026-12-01T10:00:00Z");
        assertEquals("Refused canary event: it has other fields than canaryTick: [canaryTick, time]", refusal(extraField));

        Map<String, Object> extraTickField = new LinkedHashMap<>();
        extraTickField.put("symbol", "ZZVERIFY");
        extraTickField.put("sequence", 5L);
        extraTickField.put("price", 1e9);
        assertTrue(refusal(Map.of("canaryTick", extraTickField)).contains("must have exactly the fields"));

        assertTrue(refusal(Map.of("canaryTick", "ZZVERIFY")).contains("canaryTick is not an object"));
    }
}
