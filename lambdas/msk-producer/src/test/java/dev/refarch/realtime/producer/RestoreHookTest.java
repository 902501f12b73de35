package dev.refarch.realtime.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/**
 * Two execution environments restored from one SnapStart snapshot share the simulator's seed
 * chosen at init; the restore hook gives each its own
 * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html).
 */
class RestoreHookTest {

    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC);

    private static TickProducer restoredEnvironment(SimulatedQuotes quotes, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(Map.of("BOOTSTRAP_SERVERS", "127.0.0.1:9",
                "SCRAM_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_app",
                "TOPIC", "ticks", "SYMBOLS", "AMZN"));
        env.putAll(extraEnv);
        ScramCredentials credentials = new ScramCredentials("app", "pw");
        return new TickProducer(TickProducerConfig.fromEnv(env), credentials, () -> credentials,
                c -> { throw new AssertionError("no Kafka in this test"); }, quotes,
                MetricsFactory.getMetricsInstance(), () -> { });
    }

    private static List<Double> prices(SimulatedQuotes quotes) {
        List<Double> prices = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            prices.add(quotes.next("AMZN").price());
        }
        return prices;
    }

    @Test
    void environmentsRestoredFromOneSnapshotWalkDifferently() {
        // The same seed in both, as the snapshot holds it.
        SimulatedQuotes first = new SimulatedQuotes(42, FIXED);
        SimulatedQuotes second = new SimulatedQuotes(42, FIXED);
        assertEquals(prices(new SimulatedQuotes(42, FIXED)), prices(new SimulatedQuotes(42, FIXED)));

        new RestoreHook(restoredEnvironment(first, Map.of())).afterRestore(null);
        new RestoreHook(restoredEnvironment(second, Map.of())).afterRestore(null);

        assertNotEquals(prices(first), prices(second));
    }

    /** A producer in the snapshot would hold connections and a producer id every restored environment shares. */
    @Test
    void primingBeforeTheSnapshotCreatesNoKafkaProducer() {
        TickProducer producer = restoredEnvironment(new SimulatedQuotes(42, FIXED), Map.of());
        new RestoreHook(producer).beforeCheckpoint(null);
        assertFalse(producer.connected());
        assertTrue(ManagementFactory.getPlatformMBeanServer().getMBeanCount() > 0);
    }

    @Test
    void aFixedQuoteSeedStaysDeterministicAfterARestore() {
        SimulatedQuotes quotes = new SimulatedQuotes(42, FIXED);
        new RestoreHook(restoredEnvironment(quotes, Map.of("QUOTE_SEED", "42"))).afterRestore(null);
        assertEquals(prices(new SimulatedQuotes(42, FIXED)), prices(quotes));
    }
}
