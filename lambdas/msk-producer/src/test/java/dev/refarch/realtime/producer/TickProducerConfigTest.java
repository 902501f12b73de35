package dev.refarch.realtime.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class TickProducerConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("BOOTSTRAP_SERVERS", "b-1:9096");
        env.put("SCRAM_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_app");
        env.put("TOPIC", "ticks");
        env.put("SYMBOLS", "AMZN, MSFT ,AMZN");
        return env;
    }

    @Test
    void defaultsApplyToAMinimalEnvironment() {
        TickProducerConfig config = TickProducerConfig.fromEnv(minimal());
        assertEquals(List.of("AMZN", "MSFT"), config.symbols());
        assertEquals(Duration.ofSeconds(1), config.tickInterval());
        assertEquals(Duration.ofSeconds(50), config.runDuration());
        assertEquals(TickProducerConfig.QuoteSourceType.SIMULATED, config.quoteSource());
        assertEquals(OptionalLong.empty(), config.quoteSeed());
        assertEquals("SASL_SSL", config.securityProtocol());
    }

    @Test
    void everyProblemIsNamedWithItsValue() {
        Map<String, String> env = new HashMap<>();
        env.put("SYMBOLS", "AMZN,bad symbol");
        env.put("TICK_INTERVAL_MS", "0");
        env.put("QUOTE_SOURCE", "carrier-pigeon");
        env.put("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT");
        String message = assertThrows(IllegalArgumentException.class, () -> TickProducerConfig.fromEnv(env)).getMessage();
        for (String expected : List.of("BOOTSTRAP_SERVERS is required", "SCRAM_SECRET_ARN is required", "TOPIC is required",
                "SYMBOLS=AMZN,bad symbol", "TICK_INTERVAL_MS=0", "QUOTE_SOURCE=carrier-pigeon",
                "KAFKA_SECURITY_PROTOCOL=PLAINTEXT is not allowed: expected one of [SASL_SSL, SASL_PLAINTEXT]")) {
            assertTrue(message.contains(expected), () -> "missing '" + expected + "' in: " + message);
        }
    }

    @Test
    void httpQuotesNeedUrlAndKeySecret() {
        Map<String, String> env = minimal();
        env.put("QUOTE_SOURCE", "http");
        String message = assertThrows(IllegalArgumentException.class, () -> TickProducerConfig.fromEnv(env)).getMessage();
        assertTrue(message.contains("QUOTE_API_URL is required when QUOTE_SOURCE=http"), message);
        assertTrue(message.contains("QUOTE_API_SECRET_ARN is required when QUOTE_SOURCE=http"), message);
    }

    @Test
    void runEndsWithItsSlotOrEarlierWhenLambdaHasLessTimeLeft() {
        TickProducerConfig config = TickProducerConfig.fromEnv(minimal());
        Duration margin = Duration.ofSeconds(10);
        Instant slot = Instant.parse("2026-12-06T18:05:00Z");
        Duration timeout = Duration.ofSeconds(70);
        // On time: the slot's 50 s.
        assertEquals(slot.plusSeconds(50), config.runEnd(slot, slot.plusMillis(300), timeout, margin));
        // Late within the slot (a retried event): still the slot's end, not 50 s from now.
        assertEquals(slot.plusSeconds(50), config.runEnd(slot, slot.plusSeconds(30), timeout, margin));
        // After the slot: its end, which has passed, so the run emits nothing.
        assertEquals(slot.plusSeconds(50), config.runEnd(slot, slot.plusSeconds(55), timeout, margin));
        // Lambda has 30 s left: 20 s of them.
        assertEquals(slot.plusSeconds(21), config.runEnd(slot, slot.plusSeconds(1), Duration.ofSeconds(30), margin));
        // Lambda has less than the margin left: nothing.
        assertEquals(slot.plusSeconds(1), config.runEnd(slot, slot.plusSeconds(1), Duration.ofSeconds(5), margin));
    }
}
