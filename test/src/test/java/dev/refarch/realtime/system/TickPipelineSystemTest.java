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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The market ticker end to end on real local components, each function run as Lambda runs it
 * (its shaded jar in a fresh JVM under AWS's runtime interface client): the producer publishes
 * to a SCRAM Kafka broker; the records consumed back become Lambda's MSK event; the consumer
 * delivers them through the AppSync simulator (real resolvers), and a WebSocket subscriber to
 * AMZN receives every AMZN tick, in order, and nothing else.
 */
class TickPipelineSystemTest {

    private static final String TOPIC = "market-ticks";
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
        broker.createTopic(TOPIC, 4);
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

    @Test
    void aSubscriberGetsEveryTickOfItsSymbolInOrderAndNoOther() throws Exception {
        try (RealtimeSubscriber amzn = api.apiKeySubscriber()) {
            amzn.subscribe(Operations.ON_TICK, Map.of("symbol", "AMZN"));

            LambdaProcess.Run produced = LAMBDA.run(new LambdaProcess.Target("msk-producer",
                    "dev.refarch.realtime.producer.TickProducerHandler::handleRequest", jar("msk-producer"),
                    Map.of("BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                            "SCRAM_SECRET_ARN", SCRAM_ARN,
                            "TOPIC", TOPIC,
                            "SYMBOLS", "AMZN,MSFT,NVDA",
                            "TICK_INTERVAL_MS", "100",
                            "RUN_SECONDS", "2",
                            "QUOTE_SEED", "7",
                            "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                            "AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.baseUrl(),
                            "AWS_EMF_ENVIRONMENT", "Local"),
                    "{}"));
            assertFalse(produced.error(), produced.response());

            List<ConsumerRecord<byte[], byte[]>> records = consumeAll();
            List<JsonNode> amznProduced = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                JsonNode tick = JSON.readTree(r.value());
                if (tick.path("symbol").asText().equals("AMZN")) {
                    amznProduced.add(tick);
                }
            }
            assertTrue(amznProduced.size() >= 10, "the producer emitted AMZN ticks: " + amznProduced.size());

            LambdaProcess.Run consumed = LAMBDA.run(new LambdaProcess.Target("msk-consumer",
                    "dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest", jar("msk-consumer"),
                    Map.of("GRAPHQL_URL", api.simulator().graphqlUrl().toString(),
                            "FAILURE_QUEUE_URL", aws.baseUrl() + "/000000000000/failures",
                            "AWS_ENDPOINT_URL_SQS", aws.baseUrl()),
                    MskEvents.json(MskEvents.LOCAL_CLUSTER_ARN, broker.bootstrapServers(), records)));
            assertFalse(consumed.error(), consumed.response());
            assertEquals(JSON.readTree("{\"batchItemFailures\":[]}"), JSON.readTree(consumed.response()));

            for (JsonNode expected : amznProduced) {
                JsonNode received = amzn.awaitNext(Duration.ofSeconds(10)).at("/payload/data/onTick");
                assertEquals("AMZN", received.path("symbol").asText());
                assertEquals(expected.path("timestamp").asText(), received.path("timestamp").asText());
                assertEquals(expected.path("price").asDouble(), received.path("price").asDouble());
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

    /** Every record on the topic, each partition's records in offset order, as Lambda batches them. */
    private static List<ConsumerRecord<byte[], byte[]>> consumeAll() {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "pipeline");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
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
}
