package dev.refarch.realtime.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The consumer against the real {@code publishTick} resolver (the AppSync simulator on DynamoDB
 * Local), watched by a subscriber over the real-time protocol: what Lambda's retries of a batch
 * look like to a viewer.
 */
class ConsumerOnSimulatorTest {

    private static LocalApi api;
    private static TickConsumer consumer;
    private static final List<String> parked = new ArrayList<>();

    @BeforeAll
    static void start() {
        api = LocalApi.start();
        AppSyncClient client = AppSyncClient.builder(AppSyncClientConfig.defaults(api.simulator().graphqlUrl(), Region.EU_WEST_1)
                        .withRetriesUntilDeadline(Duration.ofMillis(10), Duration.ofMillis(50)))
                // The simulator takes any SigV4-shaped Authorization header as IAM.
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "local")))
                .build();
        FailureQueue queue = (records, timeLeft) -> {
            records.forEach(p -> parked.add(p.record() + " " + p.reason()));
            return List.of();
        };
        consumer = new TickConsumer(new TickValidator(4096), new AppSyncTickPublisher(client, 25), queue,
                TestConsumers.metrics(), TickRetry.standard(), 2);
    }

    @AfterAll
    static void stop() {
        if (consumer != null) {
            consumer.close();
        }
        if (api != null) {
            api.close();
        }
    }

    private static List<Long> volumes(RealtimeSubscriber subscriber, int count) {
        List<Long> volumes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JsonNode tick = subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onTick");
            volumes.add(tick.path("volume").asLong());
        }
        return volumes;
    }

    @Test
    void aBatchLambdaDeliversAgainIsAnsweredStaleCountedDeliveredAndSeenOnceBySubscribers() {
        MskEventBuilder events = new MskEventBuilder();
        for (long o = 0; o < 30; o++) {
            events.add(0, o, "SIMA", MskEventBuilder.tick("SIMA", o));
        }
        try (RealtimeSubscriber subscriber = api.apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", "SIMA"));

            assertEquals(List.of(), consumer.consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofSeconds(20)))
                    .batchItemFailures());
            // Lambda retries the batch (e.g. the response was lost): every tick is StaleTick now.
            assertEquals(List.of(), consumer.consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofSeconds(20)))
                    .batchItemFailures());

            List<Long> expected = new ArrayList<>();
            for (long o = 0; o < 30; o++) {
                expected.add(o);
            }
            assertEquals(expected, volumes(subscriber, 30));
            subscriber.assertNothingWithin(Duration.ofMillis(500));
        }
        assertEquals(List.of(), parked, "a stale tick is not poison");
    }

    @Test
    void aTickOlderThanTheStoredOneIsSkippedAsStaleAndTheNewerOnesAreBroadcast() {
        MskEventBuilder newer = new MskEventBuilder().add(1, 9, "SIMB", MskEventBuilder.tick("SIMB", 9));
        assertEquals(List.of(), consumer.consume(newer.parsed(), TestConsumers.deadlineIn(Duration.ofSeconds(20)))
                .batchItemFailures());
        try (RealtimeSubscriber subscriber = api.apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", "SIMB"));
            MskEventBuilder events = new MskEventBuilder()
                    .add(1, 3, "SIMB", MskEventBuilder.tick("SIMB", 3))
                    .add(1, 10, "SIMB", MskEventBuilder.tick("SIMB", 10))
                    .add(1, 11, "SIMB", MskEventBuilder.tick("SIMB", 11));

            assertEquals(List.of(), consumer.consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofSeconds(20)))
                    .batchItemFailures());

            assertEquals(List.of(10L, 11L), volumes(subscriber, 2));
            subscriber.assertNothingWithin(Duration.ofMillis(300));
        }
        assertEquals(List.of(), parked);
    }

    /**
     * Through the real resolver: a subscriber gets the producer's previousSequence with each tick that has
     * one, and null with a record of an older producer (no field), which is delivered all the same.
     */
    @Test
    void aSubscriberGetsThePreviousSequenceOfEachTickAndNullForARecordWithout() {
        MskEventBuilder events = new MskEventBuilder()
                .add(3, 0, "SIMD", MskEventBuilder.tick("SIMD", 0))
                .add(3, 1, "SIMD", MskEventBuilder.tick("SIMD", 1, 1))
                .add(3, 2, "SIMD", MskEventBuilder.tick("SIMD", 3, 3));
        try (RealtimeSubscriber subscriber = api.apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", "SIMD"));

            assertEquals(List.of(), consumer.consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofSeconds(20)))
                    .batchItemFailures());

            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JsonNode tick = subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onTick");
                JsonNode previous = tick.path("previousSequence");
                seen.add(tick.path("sequence").asLong() + "<-" + (previous.isNull() ? "null" : previous.asLong()));
            }
            assertEquals(List.of("1<-null", "2<-1", "4<-3"), seen);
        }
        assertEquals(List.of(), parked);
    }

    /**
     * {@code MAX_TICKS_PER_REQUEST=1} (the stack's {@code mutationsPerRequest=1}): each tick goes in a request
     * of its own as an unaliased {@code publishTick}, is broadcast, and its {@code StaleTick} on a retry is
     * still read as the tick's own answer (counted delivered), not as an error of the whole request.
     */
    @Test
    void withOneMutationPerRequestEveryTickIsBroadcastOnceAndARetryIsStale() {
        Map<String, String> env = Map.of("GRAPHQL_URL", api.simulator().graphqlUrl().toString(),
                "FAILURE_QUEUE_URL", "http://127.0.0.1:9/000000000000/unused", "AWS_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9", "MAX_TICKS_PER_REQUEST", "1");
        MskEventBuilder events = new MskEventBuilder();
        for (long o = 0; o < 5; o++) {
            events.add(2, o, "SIMC", MskEventBuilder.tick("SIMC", o));
        }
        try (TickConsumer single = TickConsumer.fromConfig(ConsumerConfig.fromEnv(env),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "local")));
             RealtimeSubscriber subscriber = api.apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", "SIMC"));

            assertEquals(List.of(), single.consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofSeconds(20)))
                    .batchItemFailures());
            assertEquals(List.of(), single.consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofSeconds(20)))
                    .batchItemFailures());

            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), volumes(subscriber, 5));
            subscriber.assertNothingWithin(Duration.ofMillis(500));
        }
    }
}
