package dev.refarch.realtime.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.LocalApiExtension;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** publishTick and onTick(symbol): validation and per-symbol delivery over the real-time protocol. */
class TickResolverTest {

    @RegisterExtension
    static final LocalApiExtension LOCAL = new LocalApiExtension();

    private static LocalApi api() {
        return LOCAL.api();
    }

    private static Map<String, Object> tick(String symbol, double price) {
        return Map.of("symbol", symbol, "price", price, "open", price, "high", price + 1, "low", price - 1,
                "volume", 100.0, "timestamp", "2026-01-05T14:30:00Z");
    }

    @Test
    void tickSubscriberGetsOnlyTheTicksOfItsSymbolFromABatchedRequest() {
        try (RealtimeSubscriber amzn = api().apiKeySubscriber(); RealtimeSubscriber msft = api().apiKeySubscriber()) {
            amzn.subscribe(Operations.ON_TICK, Map.of("symbol", "AMZN"));
            msft.subscribe(Operations.ON_TICK, Map.of("symbol", "MSFT"));
            api().iamClient().execute(Operations.PUBLISH_FOUR_TICKS, Map.of(
                    "t0", tick("AMZN", 181.0), "t1", tick("MSFT", 410.0),
                    "t2", tick("MSFT", 411.0), "t3", tick("AMZN", 182.0))).assertSucceeded();

            for (double expected : new double[] {181.0, 182.0}) {
                JsonNode tick = amzn.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onTick");
                assertEquals("AMZN", tick.path("symbol").asText(), tick.toString());
                assertEquals(expected, tick.path("price").asDouble());
            }
            amzn.assertNothingWithin(Duration.ofMillis(500));
            for (double expected : new double[] {410.0, 411.0}) {
                JsonNode tick = msft.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onTick");
                assertEquals("MSFT", tick.path("symbol").asText(), tick.toString());
                assertEquals(expected, tick.path("price").asDouble());
            }
            msft.assertNothingWithin(Duration.ofMillis(100));
        }
    }

    @Test
    void tickWithAnInvalidSymbolIsRejectedAndNotBroadcast() {
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", "amzn"));
            for (String symbol : new String[] {"amzn", "", "TOOLONGSYMBOL", "1ABC", "AM ZN", "AMZN\"}"}) {
                api().iamClient().execute(Operations.PUBLISH_TICK, Map.of("tick", tick(symbol, 10.0)))
                        .assertErrorType("InvalidTick");
            }
            subscriber.assertNothingWithin(Duration.ofMillis(300));
        }
    }

    @Test
    void tickWithANonPositivePriceOrLowAboveHighIsRejected() {
        api().iamClient().execute(Operations.PUBLISH_TICK, Map.of("tick", tick("AMZN", 0.0))).assertErrorType("InvalidTick");
        Map<String, Object> inverted = new java.util.HashMap<>(tick("AMZN", 10.0));
        inverted.put("low", 12.0);
        inverted.put("high", 11.0);
        api().iamClient().execute(Operations.PUBLISH_TICK, Map.of("tick", inverted)).assertErrorType("InvalidTick");
    }
}
