package dev.refarch.realtime.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.TableContract.Ticks;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.LocalApiExtension;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * publishTick, latestTicks and onTick(symbol) on the simulator with the real resolvers and
 * DynamoDB Local: validation, the conditional write that fences stale ticks, per-symbol
 * delivery over the real-time protocol. Each test uses symbols of its own (the tables are
 * shared by every class of the run).
 */
class TickResolverTest {

    /** 2^53: the first double above which not every whole number is exact. */
    private static final double TWO_POW_53 = 9007199254740992.0;
    private static final AtomicInteger SYMBOLS = new AtomicInteger();

    @RegisterExtension
    static final LocalApiExtension LOCAL = new LocalApiExtension();

    private static LocalApi api() {
        return LOCAL.api();
    }

    /** A symbol no other test uses. */
    private static String freshSymbol() {
        return "TR" + SYMBOLS.incrementAndGet();
    }

    private static Map<String, Object> tick(String symbol, double price, double sequence) {
        return Operations.tickInput(symbol, price, sequence);
    }

    private static GraphqlClient.Response publish(Map<String, Object> tick) {
        return api().iamClient().execute(Operations.PUBLISH_TICK, Map.of("tick", tick));
    }

    private static JsonNode nextTick(RealtimeSubscriber subscriber) {
        return subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onTick");
    }

    @Test
    void tickSubscriberGetsOnlyTheTicksOfItsSymbolFromABatchedRequest() {
        String amzn = freshSymbol();
        String msft = freshSymbol();
        try (RealtimeSubscriber amznSubscriber = api().apiKeySubscriber();
             RealtimeSubscriber msftSubscriber = api().apiKeySubscriber()) {
            amznSubscriber.subscribe(Operations.ON_TICK, Map.of("symbol", amzn));
            msftSubscriber.subscribe(Operations.ON_TICK, Map.of("symbol", msft));
            api().iamClient().execute(Operations.PUBLISH_FOUR_TICKS, Map.of(
                    "t0", tick(amzn, 181.0, 1), "t1", tick(msft, 410.0, 1),
                    "t2", tick(msft, 411.0, 2), "t3", tick(amzn, 182.0, 2))).assertSucceeded();

            for (double expected : new double[] {181.0, 182.0}) {
                JsonNode tick = nextTick(amznSubscriber);
                assertEquals(amzn, tick.path("symbol").asText(), tick.toString());
                assertEquals(expected, tick.path("price").asDouble());
            }
            amznSubscriber.assertNothingWithin(Duration.ofMillis(500));
            for (double expected : new double[] {410.0, 411.0}) {
                JsonNode tick = nextTick(msftSubscriber);
                assertEquals(msft, tick.path("symbol").asText(), tick.toString());
                assertEquals(expected, tick.path("price").asDouble());
            }
            msftSubscriber.assertNothingWithin(Duration.ofMillis(100));
        }
    }

    @Test
    void tickWithAnInvalidSymbolIsRejectedAndNotBroadcast() {
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", "amzn"));
            for (String symbol : new String[] {"amzn", "", "TOOLONGSYMBOL", "1ABC", "AM ZN", "AMZN\"}"}) {
                publish(tick(symbol, 10.0, 1)).assertErrorType("InvalidTick");
            }
            subscriber.assertNothingWithin(Duration.ofMillis(300));
        }
    }

    @Test
    void tickWithANonPositivePriceOrLowAboveHighIsRejected() {
        String symbol = freshSymbol();
        publish(tick(symbol, 0.0, 1)).assertErrorType("InvalidTick");
        Map<String, Object> inverted = tick(symbol, 10.0, 2);
        inverted.put("low", 12.0);
        inverted.put("high", 11.0);
        publish(inverted).assertErrorType("InvalidTick");
        assertTrue(api().tickItem(symbol).isEmpty(), "a rejected tick was stored");
    }

    @Test
    void sequenceThatIsNotAWholeNumberFromOneToBelowTwoPow53IsInvalidAndNothingIsStoredOrBroadcast() {
        String symbol = freshSymbol();
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", symbol));
            for (double sequence : new double[] {0, -1, 0.5, 1.5, TWO_POW_53, 1e300}) {
                publish(tick(symbol, 10.0, sequence)).assertErrorType("InvalidTick");
            }
            subscriber.assertNothingWithin(Duration.ofMillis(300));
        }
        assertTrue(api().tickItem(symbol).isEmpty(), "an invalid tick was stored");
    }

    @Test
    void largestSequenceBelowTwoPow53IsAcceptedAndStoredExactly() {
        String symbol = freshSymbol();
        long largest = (1L << 53) - 1;
        JsonNode stored = publish(tick(symbol, 10.0, largest)).assertSucceeded().data("publishTick");
        assertEquals(largest, stored.path("sequence").asLong(), stored.toString());
        assertEquals(Long.toString(largest), api().tickItem(symbol).get(Ticks.SEQUENCE).n());
    }

    /**
     * Sequences are epoch milliseconds, far above 2^31: the resolver must not pass them through a
     * helper AppSync documents as returning a 32-bit Integer ($util.math.roundNum), which the
     * simulator now refuses outside that range as AppSync's documentation allows no more.
     */
    @Test
    void anEpochMillisecondSequenceIsAcceptedStoredAsTheSameWholeNumberAndComparedAsANumber() {
        String symbol = freshSymbol();
        long epochMillis = 1_767_623_400_123L;
        JsonNode stored = publish(tick(symbol, 10.0, epochMillis)).assertSucceeded().data("publishTick");

        assertEquals(epochMillis, stored.path("sequence").asLong(), stored.toString());
        assertEquals(Long.toString(epochMillis), api().tickItem(symbol).get(Ticks.SEQUENCE).n());
        // Compared as numbers, not text: "999..." sorts after "1767..." as a string but is older.
        publish(tick(symbol, 9.0, 999_999_999_999L)).assertErrorType("StaleTick");
        publish(tick(symbol, 11.0, 10_000_000_000_000L)).assertSucceeded();
        assertEquals("10000000000000", api().tickItem(symbol).get(Ticks.SEQUENCE).n());
    }

    /**
     * AppSync writes the Float argument as a Java Double, which JSON may spell in exponent form
     * (1.767623400123E12) where the simulator writes digits: DynamoDB takes either as the same
     * number, so the resolver's condition compares it numerically against a stored one.
     */
    @Test
    void aSequenceStoredInExponentNotationFencesTicksAsTheSameNumber() {
        String symbol = freshSymbol();
        api().dynamo().putItem(p -> p.tableName(LocalApi.TICKS_TABLE).item(Map.of(
                Ticks.SYMBOL, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(symbol),
                Ticks.SEQUENCE, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("1.767623400123E12"))));

        assertEquals("1767623400123", api().tickItem(symbol).get(Ticks.SEQUENCE).n(), "DynamoDB normalizes it");
        publish(tick(symbol, 10.0, 1_767_623_400_123L)).assertErrorType("StaleTick");
        publish(tick(symbol, 10.0, 1_767_623_400_124L)).assertSucceeded();
    }

    @Test
    void duplicateOrOlderTickIsStaleAndBroadcastToNoOneAndANewerOneIs() {
        String symbol = freshSymbol();
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", symbol));
            Map<String, Object> first = tick(symbol, 10.0, 1_767_623_400_010L);
            publish(first).assertSucceeded();
            assertEquals(10.0, nextTick(subscriber).path("price").asDouble());

            // The exact same tick again (a retry), and an older one.
            GraphqlClient.Response duplicate = publish(first).assertErrorType("StaleTick");
            assertTrue(duplicate.data("publishTick").isNull(), duplicate.body().toString());
            publish(tick(symbol, 9.0, 1_767_623_400_009L)).assertErrorType("StaleTick");
            subscriber.assertNothingWithin(Duration.ofMillis(500));
            assertEquals("1767623400010", api().tickItem(symbol).get(Ticks.SEQUENCE).n());
            assertEquals("10", api().tickItem(symbol).get("price").n());

            publish(tick(symbol, 11.0, 1_767_623_400_011L)).assertSucceeded();
            JsonNode newer = nextTick(subscriber);
            assertEquals(11.0, newer.path("price").asDouble());
            assertEquals(1_767_623_400_011L, newer.path("sequence").asLong());
        }
    }

    @Test
    void inOneBatchedRequestOnlyTheTicksAboveTheStoredSequenceAreBroadcastAndTheOthersAreStaleByAlias() {
        String symbol = freshSymbol();
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", symbol));
            GraphqlClient.Response response = api().iamClient().execute(Operations.PUBLISH_FOUR_TICKS, Map.of(
                    "t0", tick(symbol, 5.0, 5), "t1", tick(symbol, 5.0, 5),
                    "t2", tick(symbol, 4.0, 4), "t3", tick(symbol, 6.0, 6)));

            List<String> staleAliases = new ArrayList<>();
            for (JsonNode error : response.errors()) {
                assertEquals("StaleTick", error.path("errorType").asText(), response.body().toString());
                staleAliases.add(error.at("/path/0").asText());
            }
            assertEquals(List.of("t1", "t2"), staleAliases);
            assertEquals(5, response.data("t0").path("sequence").asLong());
            assertEquals(6, response.data("t3").path("sequence").asLong());
            assertEquals(5, nextTick(subscriber).path("sequence").asLong());
            assertEquals(6, nextTick(subscriber).path("sequence").asLong());
            subscriber.assertNothingWithin(Duration.ofMillis(500));
        }
    }

    private static GraphqlClient.Response publishAfter(Map<String, Object> tick, double after) {
        return api().iamClient().execute(Operations.PUBLISH_TICK_AFTER, Map.of("tick", tick, "after", after));
    }

    /**
     * A tick chained to its predecessor (after) is refused while the predecessor is not stored,
     * as it would be when AppSync ran a request's later alias first, and stored once it is.
     */
    @Test
    void aChainedTickIsStoredOnlyOnceItsPredecessorIsStoredAndIsPredecessorNotStoredBefore() {
        String symbol = freshSymbol();
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", symbol));
            publishAfter(tick(symbol, 13.0, 13), 12).assertErrorType("PredecessorNotStored");
            assertTrue(api().tickItem(symbol).isEmpty(), "a tick was stored before its predecessor");
            publish(tick(symbol, 11.0, 11)).assertSucceeded();
            publishAfter(tick(symbol, 13.0, 13), 12).assertErrorType("PredecessorNotStored");
            assertEquals("11", api().tickItem(symbol).get(Ticks.SEQUENCE).n());

            publish(tick(symbol, 12.0, 12)).assertSucceeded();
            assertEquals(13, publishAfter(tick(symbol, 13.0, 13), 12).assertSucceeded()
                    .data("publishTick").path("sequence").asLong());
            assertEquals(11, nextTick(subscriber).path("sequence").asLong());
            assertEquals(12, nextTick(subscriber).path("sequence").asLong());
            assertEquals(13, nextTick(subscriber).path("sequence").asLong());
            subscriber.assertNothingWithin(Duration.ofMillis(300));
        }
    }

    /**
     * With after, a tick not above the stored one is PredecessorNotStored, not StaleTick; a
     * predecessor that was already stale (stored above it) does not hold back a tick above the
     * stored one.
     */
    @Test
    void aChainedTickAboveAStoredTickNewerThanItsPredecessorIsStoredAndOneNotAboveItIsRefused() {
        String symbol = freshSymbol();
        publish(tick(symbol, 20.0, 20)).assertSucceeded();
        publishAfter(tick(symbol, 20.0, 20), 19).assertErrorType("PredecessorNotStored");
        publishAfter(tick(symbol, 18.0, 18), 17).assertErrorType("PredecessorNotStored");
        assertEquals("20", api().tickItem(symbol).get(Ticks.SEQUENCE).n());
        assertEquals(21, publishAfter(tick(symbol, 21.0, 21), 19).assertSucceeded()
                .data("publishTick").path("sequence").asLong());
        assertEquals("21", api().tickItem(symbol).get(Ticks.SEQUENCE).n());
    }

    @Test
    void anAfterThatIsNotAWholeNumberFromOneToBelowTheSequenceIsInvalidAndNothingIsStored() {
        String symbol = freshSymbol();
        publish(tick(symbol, 10.0, 1)).assertSucceeded();
        for (double after : new double[] {0, -1, 1.5, 5, 6, TWO_POW_53, 1e300}) {
            publishAfter(tick(symbol, 10.0, 5), after).assertErrorType("InvalidTick");
        }
        assertEquals("1", api().tickItem(symbol).get(Ticks.SEQUENCE).n());
    }

    /**
     * previousSequence (the producer's previous tick of the symbol) goes to subscribers, is stored with
     * the tick and comes back from latestTicks, so a page that reconnects can tell whether it missed
     * ticks; a tick without one (null, or absent as from an older producer) is stored without it.
     */
    @Test
    void previousSequenceIsBroadcastStoredAndAnsweredByLatestTicksAndATickWithoutOneHasNull() {
        String symbol = freshSymbol();
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", symbol));
            Map<String, Object> first = tick(symbol, 10.0, 1_767_623_400_000L);
            JsonNode published = publish(first).assertSucceeded().data("publishTick");
            assertTrue(published.path("previousSequence").isNull(), published.toString());
            assertTrue(nextTick(subscriber).path("previousSequence").isNull());
            assertFalse(api().tickItem(symbol).containsKey(Ticks.PREVIOUS_SEQUENCE), api().tickItem(symbol).toString());

            Map<String, Object> second = tick(symbol, 11.0, 1_767_623_401_000L);
            second.put("previousSequence", 1_767_623_400_000L);
            published = publish(second).assertSucceeded().data("publishTick");
            assertEquals(1_767_623_400_000L, published.path("previousSequence").asLong(), published.toString());
            JsonNode broadcast = nextTick(subscriber);
            assertEquals(1_767_623_401_000L, broadcast.path("sequence").asLong(), broadcast.toString());
            assertEquals(1_767_623_400_000L, broadcast.path("previousSequence").asLong(), broadcast.toString());
            assertEquals("1767623400000", api().tickItem(symbol).get(Ticks.PREVIOUS_SEQUENCE).n());

            JsonNode latest = api().apiKeyClient().execute(Operations.LATEST_TICKS, Map.of("symbols", List.of(symbol)))
                    .assertSucceeded().data("latestTicks");
            assertEquals(1_767_623_401_000L, latest.get(0).path("sequence").asLong(), latest.toString());
            assertEquals(1_767_623_400_000L, latest.get(0).path("previousSequence").asLong(), latest.toString());

            // Explicitly null (the producer does not know it): stored without it, replacing the one above.
            Map<String, Object> third = tick(symbol, 12.0, 1_767_623_402_000L);
            third.put("previousSequence", null);
            publish(third).assertSucceeded();
            assertTrue(nextTick(subscriber).path("previousSequence").isNull());
            latest = api().apiKeyClient().execute(Operations.LATEST_TICKS, Map.of("symbols", List.of(symbol)))
                    .assertSucceeded().data("latestTicks");
            assertTrue(latest.get(0).path("previousSequence").isNull(), latest.toString());
            assertFalse(api().tickItem(symbol).containsKey(Ticks.PREVIOUS_SEQUENCE), api().tickItem(symbol).toString());
        }
    }

    @Test
    void aPreviousSequenceThatIsNotAWholeNumberFromOneToBelowTheSequenceIsInvalidAndNothingIsStoredOrBroadcast() {
        String symbol = freshSymbol();
        publish(tick(symbol, 10.0, 1)).assertSucceeded();
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", symbol));
            for (double previous : new double[] {0, -1, 1.5, 5, 6, TWO_POW_53, 1e300}) {
                Map<String, Object> tick = tick(symbol, 10.0, 5);
                tick.put("previousSequence", previous);
                publish(tick).assertErrorType("InvalidTick");
            }
            subscriber.assertNothingWithin(Duration.ofMillis(300));
        }
        assertEquals("1", api().tickItem(symbol).get(Ticks.SEQUENCE).n());
    }

    @Test
    void latestTicksReturnsTheStoredTickOfEachSymbolInRequestOrderAndLeavesOutSymbolsWithoutOne() {
        String a = freshSymbol();
        String b = freshSymbol();
        String none = freshSymbol();
        publish(tick(a, 10.0, 1)).assertSucceeded();
        publish(tick(a, 12.0, 2)).assertSucceeded();
        publish(tick(b, 20.0, 7)).assertSucceeded();
        publish(tick(b, 19.0, 6)).assertErrorType("StaleTick");

        // A browser (API key) may read them; a duplicate symbol is answered once.
        JsonNode latest = api().apiKeyClient().execute(Operations.LATEST_TICKS,
                Map.of("symbols", List.of(b, none, a, b))).assertSucceeded().data("latestTicks");

        assertEquals(2, latest.size(), latest.toString());
        assertEquals(b, latest.get(0).path("symbol").asText());
        assertEquals(20.0, latest.get(0).path("price").asDouble());
        assertEquals(7, latest.get(0).path("sequence").asLong());
        assertEquals(a, latest.get(1).path("symbol").asText());
        assertEquals(12.0, latest.get(1).path("price").asDouble());
        assertEquals("2026-01-05T14:30:00Z", latest.get(1).path("timestamp").asText());
    }

    @Test
    void latestTicksTakesOneToTwentyFiveValidSymbols() {
        List<String> twentySix = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            twentySix.add("S" + i);
        }
        GraphqlClient client = api().apiKeyClient();
        assertRefused(client.execute(Operations.LATEST_TICKS, Map.of("symbols", List.of())), "SymbolCountOutOfRange");
        assertRefused(client.execute(Operations.LATEST_TICKS, Map.of("symbols", twentySix)), "SymbolCountOutOfRange");
        assertRefused(client.execute(Operations.LATEST_TICKS, Map.of("symbols", List.of("AMZN", "not a symbol"))),
                "InvalidSymbol");
        assertEquals(0, client.execute(Operations.LATEST_TICKS, Map.of("symbols", twentySix.subList(0, 25)))
                .assertSucceeded().data("latestTicks").size());
    }

    /**
     * latestTicks is non-null, so a resolver error nulls {@code data}; GraphQL may add its own
     * "cannot return null" error beside the resolver's, which must be the only typed one.
     */
    private static void assertRefused(GraphqlClient.Response response, String errorType) {
        assertEquals(List.of(errorType), response.errorTypes().stream().filter(t -> !t.isEmpty()).toList(),
                response.body().toString());
        assertTrue(response.data().isNull() || response.data("latestTicks").isNull(), response.body().toString());
    }
}
