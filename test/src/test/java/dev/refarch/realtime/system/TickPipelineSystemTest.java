package dev.refarch.realtime.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import dev.refarch.realtime.lambda.LambdaProcess;
import dev.refarch.realtime.msk.testing.KafkaBroker;
import dev.refarch.realtime.msk.testing.MskEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two producer runs of one schedule slot at once, each function run as Lambda runs it (its shaded
 * jar in a fresh JVM under AWS's runtime interface client): both publish to a SCRAM Kafka broker;
 * the records consumed back become one MSK event for the consumer jar, which delivers them through
 * the AppSync simulator's real resolvers to a WebSocket subscriber. That one producer run's ticks
 * reach a subscriber of their symbol, in order and nothing else, is {@code TickerEndToEndTest}'s
 * proof, through the whole local run; this class proves what the local run's single schedule
 * never does: overlapping runs of one slot.
 */
class TickPipelineSystemTest {

    private static final String USER = "realtime";
    private static final String PASSWORD = "pipeline-password";
    private static final String SCRAM_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_pipeline";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static LocalApi api;
    private static KafkaBroker broker;
    private static WireMockServer aws;
    private static final LambdaProcess LAMBDA = LambdaProcess.fromTestClasspath();

    @BeforeAll
    static void start() {
        api = LocalApi.start();
        broker = KafkaBroker.start(USER, PASSWORD);
        aws = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        aws.start();
        aws.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ARN\":\"" + SCRAM_ARN + "\",\"Name\":\"AmazonMSK_pipeline\",\"SecretString\":"
                                + "\"{\\\"username\\\":\\\"" + USER + "\\\",\\\"password\\\":\\\"" + PASSWORD + "\\\"}\"}")));
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.stop();
        }
        if (broker != null) {
            broker.close();
        }
        if (api != null) {
            api.close();
        }
    }

    /**
     * Two producer runs of one schedule slot at once (EventBridge delivers an event at least once,
     * and no reserved concurrency holds the second back), each in its own JVM with its own price
     * walk, then the consumer on everything they wrote: the subscriber gets one tick per round of
     * the slot, in order, and no second one (the publishTick resolver refuses it as StaleTick).
     */
    @Test
    void twoProducerRunsOfOneSlotReachASubscriberAsOneTickPerRoundInOrder() throws Exception {
        String topic = "market-ticks-overlap";
        broker.createTopic(topic, 4);
        try (RealtimeSubscriber amzn = api.apiKeySubscriber()) {
            amzn.subscribe(Operations.ON_TICK, Map.of("symbol", "AMZN"));
            // Far enough ahead for both JVMs to start and wait for the slot, on a loaded machine too (a run
            // invoked after its slot opened skips the rounds already past: at 14 s a run under a load of 12 on
            // 2 cores came 0.6 s late, with 7 rounds instead of 10), and near enough that the slot ends within
            // the invocation's 30 s deadline (LambdaProcess), which a run never emits past.
            Instant slot = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(20);
            String event = "{\"version\":\"0\",\"id\":\"7bf73129-1428-4cd3-a780-95db273d1602\","
                    + "\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"time\":\"" + slot + "\","
                    + "\"resources\":[],\"detail\":{}}";
            ExecutorService environments = Executors.newFixedThreadPool(2);
            List<Future<LambdaProcess.Run>> runs = new ArrayList<>();
            try {
                for (String seed : List.of("1", "2")) {
                    if (!runs.isEmpty()) {
                        // Start-ups one after the other: the runtime interface client extracts its native
                        // library to one path, and two JVMs loading it at the same moment crash (SIGBUS).
                        Thread.sleep(4_000);
                    }
                    runs.add(environments.submit(() -> LAMBDA.run(new LambdaProcess.Target("msk-producer-" + seed,
                            "dev.refarch.realtime.producer.TickProducerHandler::handleRequest", jar("msk-producer"),
                            Map.of("BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                                    "SCRAM_SECRET_ARN", SCRAM_ARN,
                                    "TOPIC", topic,
                                    "SYMBOLS", "AMZN,MSFT",
                                    "TICK_INTERVAL_MS", "200",
                                    "RUN_SECONDS", "2",
                                    "QUOTE_SEED", seed,
                                    "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                                    "AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.baseUrl(),
                                    "AWS_EMF_ENVIRONMENT", "Local"),
                            event))));
                }
                for (Future<LambdaProcess.Run> run : runs) {
                    LambdaProcess.Run produced = run.get(90, TimeUnit.SECONDS);
                    assertFalse(produced.error(), produced.response());
                    assertEquals(10, JSON.readTree(produced.response()).path("rounds").asInt(), produced.response());
                }
            } finally {
                environments.shutdownNow();
            }

            List<ConsumerRecord<byte[], byte[]>> records = consumeAll(topic);
            assertEquals(2 * 2 * 10, records.size(), "both runs wrote every round");
            consumeWithoutFailures(records);

            for (int round = 0; round < 10; round++) {
                JsonNode received = amzn.awaitNext(Duration.ofSeconds(10)).at("/payload/data/onTick");
                assertEquals("AMZN", received.path("symbol").asText());
                assertEquals(slot.toEpochMilli() + round * 200L, received.path("sequence").asLong(),
                        "round " + round + " once, in order");
            }
            amzn.assertNothingWithin(Duration.ofSeconds(1));
        }
    }

    private static String jar(String module) {
        Path jar = ROOT.resolve("lambdas").resolve(module).resolve("target").resolve(module + ".jar");
        assertTrue(java.nio.file.Files.isRegularFile(jar), jar + " is missing: run `mvn verify` from the root, "
                + "which packages the functions before this module's tests");
        return jar.toString();
    }

    /** Every record on {@code topic}, each partition's records in offset order, as Lambda batches them. */
    private static List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic) {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "pipeline-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            int idlePolls = 0;
            while (idlePolls < 5) {
                int before = records.size();
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
                idlePolls = records.size() == before && !records.isEmpty() ? idlePolls + 1 : 0;
            }
        }
        records.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    /** Runs the consumer jar on {@code records} as one MSK event; it must report no failures. */
    private static void consumeWithoutFailures(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        LambdaProcess.Run consumed = LAMBDA.run(new LambdaProcess.Target("msk-consumer",
                "dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest", jar("msk-consumer"),
                Map.of("GRAPHQL_URL", api.simulator().graphqlUrl().toString(),
                        "FAILURE_QUEUE_URL", aws.baseUrl() + "/000000000000/failures",
                        "AWS_ENDPOINT_URL_SQS", aws.baseUrl()),
                MskEvents.json(MskEvents.LOCAL_CLUSTER_ARN, broker.bootstrapServers(), records)));
        assertFalse(consumed.error(), consumed.response());
        assertEquals(JSON.readTree("{\"batchItemFailures\":[]}"), JSON.readTree(consumed.response()));
    }
}
