package dev.refarch.realtime.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.consumer.Validation.Poison;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * {@code TICK_DELIVERY}: {@code all} delivers every tick whatever its age; {@code latest} delivers
 * only the newest tick of each symbol of a batch older than {@code TICK_CONFLATE_AFTER_SECONDS},
 * acknowledging the others in order.
 */
class TickConflationTest {

    /** MskEventBuilder's records are timestamped from here (plus their offset in ms). */
    private static final Instant RECORDS_AT = Instant.ofEpochMilli(1_767_623_400_000L);

    private final LocalAppSync appSync = new LocalAppSync();
    private final List<Poison> parked = Collections.synchronizedList(new ArrayList<>());
    private final List<TickConsumer> consumers = new ArrayList<>();

    @AfterEach
    void stop() {
        consumers.forEach(TickConsumer::close);
        appSync.close();
    }

    private TickConsumer consumer(Conflation conflation, Instant now) {
        AppSyncClient client = AppSyncClient.builder(AppSyncClientConfig.defaults(appSync.endpoint(), Region.EU_WEST_1)
                        .withRetriesUntilDeadline(Duration.ofMillis(10), Duration.ofMillis(40)).withBatchLimits(25, 256 * 1024))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x")))
                .build();
        FailureQueue queue = (records, timeLeft) -> {
            parked.addAll(records);
            return List.of();
        };
        TickConsumer consumer = new TickConsumer(new TickValidator(4096), new AppSyncTickPublisher(client, 25), queue,
                TestConsumers.metrics(), new TickRetry(Duration.ofMillis(10), Duration.ofMillis(40),
                        d -> Thread.sleep(d.toMillis()), () -> 0.5), 4,
                conflation, Clock.fixed(now, ZoneOffset.UTC));
        consumers.add(consumer);
        return consumer;
    }

    /** Two partitions, three symbols: 40 ticks of A and 30 of B on partition 0 interleaved, 20 of C on 1, a poison record in between. */
    private static MskEventBuilder backlog() {
        MskEventBuilder events = new MskEventBuilder();
        for (long o = 0; o < 70; o++) {
            String symbol = o % 7 < 4 ? "A" : "B";
            events.add(0, o, symbol, MskEventBuilder.tick(symbol, o));
        }
        for (long o = 100; o < 120; o++) {
            events.add(1, o, "C", o == 110 ? "not json" : MskEventBuilder.tick("C", o));
        }
        return events;
    }

    private static List<Long> volumes(List<JsonNode> ticks) {
        return ticks == null ? List.of() : ticks.stream().map(t -> t.get("volume").asLong()).toList();
    }

    @Test
    void allDeliversEveryTickOfAnOldBatchInOrder() {
        TickConsumer consumer = consumer(Conflation.of("all", 30), RECORDS_AT.plus(Duration.ofHours(2)));
        BatchResponse response = consumer.consume(backlog().parsed(), () -> Duration.ofSeconds(30));
        assertEquals(List.of(), response.batchItemFailures());
        Map<String, List<JsonNode>> bySymbol = appSync.ticksBySymbol();
        assertEquals(40, bySymbol.get("A").size());
        assertEquals(30, bySymbol.get("B").size());
        assertEquals(19, bySymbol.get("C").size());
        assertEquals(1, parked.size());
    }

    @Test
    void latestDeliversOnlyTheNewestTickOfEachSymbolOfAnOldBatchAndAcknowledgesTheRest() {
        TickConsumer consumer = consumer(Conflation.of("latest", 30), RECORDS_AT.plus(Duration.ofMinutes(5)));
        BatchResponse response = consumer.consume(backlog().parsed(), () -> Duration.ofSeconds(30));
        assertEquals(List.of(), response.batchItemFailures(), "the conflated ticks are acknowledged, not retried");
        Map<String, List<JsonNode>> bySymbol = appSync.ticksBySymbol();
        // The last A is offset 66 (66 % 7 == 3), the last B 69, the last C 119.
        assertEquals(List.of(66L), volumes(bySymbol.get("A")));
        assertEquals(List.of(69L), volumes(bySymbol.get("B")));
        assertEquals(List.of(119L), volumes(bySymbol.get("C")));
        assertEquals(1, parked.size(), "poison is still parked, not conflated away");
        assertEquals(110, parked.get(0).record().offset());
    }

    @Test
    void latestLeavesAFreshBatchLossless() {
        TickConsumer consumer = consumer(Conflation.of("latest", 30), RECORDS_AT.plus(Duration.ofSeconds(5)));
        consumer.consume(backlog().parsed(), () -> Duration.ofSeconds(30));
        Map<String, List<JsonNode>> bySymbol = appSync.ticksBySymbol();
        assertEquals(40, bySymbol.get("A").size());
        assertEquals(30, bySymbol.get("B").size());
    }

    @Test
    void supersededTicksAreThoseWithANewerTickOfTheirSymbolInThePartition() {
        List<Validation> validations = new ArrayList<>();
        long[] sequences = {5, 9, 7, 3};
        String[] symbols = {"A", "A", "A", "B"};
        for (int i = 0; i < sequences.length; i++) {
            validations.add(new Validation.Valid(new KafkaRecord("t", 0, i, 0, "CREATE_TIME", null, null, List.of()),
                    new TickInput(symbols[i], 1, 1, 1, 1, 1, "2026-01-05T14:30:00Z", sequences[i])));
        }
        boolean[] superseded = TickConsumer.superseded(validations);
        // The newest A is the second record (sequence 9), whatever the order; B has only one.
        assertTrue(superseded[0] && !superseded[1] && superseded[2] && !superseded[3]);
    }

    @Test
    void deliveryModeAndThresholdAreValidatedNamingTheVariable() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Conflation.of("newest", 30)).getMessage()
                .contains("TICK_DELIVERY"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Conflation.of("latest", 0)).getMessage()
                .contains("TICK_CONFLATE_AFTER_SECONDS"));
        assertEquals(Conflation.of(null, 30), Conflation.of("all", 30));
        assertTrue(ConsumerConfig.fromEnv(Map.of("GRAPHQL_URL", "https://x.example/graphql", "FAILURE_QUEUE_URL", "q",
                "AWS_REGION", "eu-west-1", "TICK_DELIVERY", "latest", "TICK_CONFLATE_AFTER_SECONDS", "12"))
                .conflation().equals(new Conflation(true, Duration.ofSeconds(12))));
    }
}
