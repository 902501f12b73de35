package dev.refarch.realtime.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.infra.config.AppConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The local MSK event source mapping on a real SCRAM broker and a real S3Mock, with a stub
 * function: partial batch responses retry only the reported partition's tail; a batch that keeps
 * failing is retried MaximumRetryAttempts times, then its whole invocation record lands in the
 * on-failure bucket and the offsets move past it
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html).
 */
class EventSourceMappingOnBrokerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalSettings settings;
    private static KafkaComponent kafka;
    private static S3Component s3;

    @BeforeAll
    static void start() throws Exception {
        AppConfig config = AppConfig.from(key -> key.equals("topicPartitions") ? 2 : null);
        // A 1 s batching window (the stack's is 0): records produced together reach the stub function as
        // one batch, which is what these retry tests compare against.
        settings = new LocalSettings(CdkJsonRoot.find(), config, Ports.resolve(Map.of("ports", "auto")),
                new LogFolder(Files.createTempDirectory("esm-it-logs")), "da2-test", 1000,
                LocalSettings.STACK_CONSUMER_TIMEOUT_SECONDS, 1);
        kafka = new KafkaComponent(settings);
        kafka.start();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(config.topic(), 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        s3 = new S3Component(settings);
        s3.start();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void aReportedFailureRetriesOnlyThatPartitionFromThatRecord() throws Exception {
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        StubFunction function = new StubFunction("stub-consumer", event -> {
            events.add(event);
            return events.size() == 1
                    ? new RuntimeApi.Result(false, "{\"batchItemFailures\":[{\"itemIdentifier\":"
                            + "{\"partition\":\"" + settings.config().topic() + "-1\",\"offset\":"
                            + event.at("/records/" + settings.config().topic() + "-1/1/offset").asLong() + "}}]}")
                    : new RuntimeApi.Result(false, "{\"batchItemFailures\":[]}");
        });
        EventSourceMappingComponent mapping = new EventSourceMappingComponent(settings, kafka, function, s3, AwsAccess.direct(s3.endpoint()),
                null, Duration.ofMillis(10));
        mapping.start();
        try {
            produce(Map.of(0, List.of("a0", "a1"), 1, List.of("b0", "b1", "b2")));
            awaitTrue(() -> events.size() >= 2, "a retry");
            JsonNode retry = events.get(1).path("records");
            assertEquals(List.of(settings.config().topic() + "-1"), fieldNames(retry), "only the failed partition");
            assertEquals(List.of("b1", "b2"), values(retry.path(settings.config().topic() + "-1")));
            awaitTrue(() -> committed(mapping, 1) == offsetAfter(events.get(0), 1), "offsets committed after success");
        } finally {
            mapping.stop();
        }
    }

    @Test
    void aBatchThatKeepsFailingIsRetriedTenTimesThenWrittenWholeToTheBucket() throws Exception {
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        StubFunction function = new StubFunction("stub-consumer", event -> {
            events.add(event);
            return new RuntimeApi.Result(true, "{\"errorMessage\":\"AppSync unavailable\"}");
        });
        EventSourceMappingComponent mapping = new EventSourceMappingComponent(settings, kafka, function, s3, AwsAccess.direct(s3.endpoint()),
                null, Duration.ofMillis(10));
        mapping.start();
        try (S3Client client = AwsClients.s3(AwsAccess.direct(s3.endpoint()))) {
            produce(Map.of(0, List.of("x0", "x1", "x2")));
            List<S3Object> objects = new ArrayList<>();
            awaitTrue(() -> {
                objects.clear();
                objects.addAll(client.listObjectsV2(r -> r.bucket(s3.bucket()).prefix("aws/lambda/" + mapping.groupId()))
                        .contents());
                return !objects.isEmpty();
            }, "an object in the on-failure bucket");
            assertEquals(1 + EventSourceMappingComponent.MAXIMUM_RETRY_ATTEMPTS, events.size(), "first try plus 10 retries");
            JsonNode record = JSON.readTree(client.getObjectAsBytes(r -> r.bucket(s3.bucket())
                    .key(objects.get(0).key())).asByteArray());
            assertEquals("RetryAttemptsExhausted", record.at("/requestContext/condition").asText());
            assertEquals(11, record.at("/requestContext/approximateInvokeCount").asInt());
            assertEquals("Unhandled", record.at("/responseContext/functionError").asText());
            assertEquals(3, record.at("/KafkaBatchInfo/batchSize").asInt());
            JsonNode payload = JSON.readTree(record.path("payload").asText());
            assertEquals("aws:kafka", payload.path("eventSource").asText());
            assertEquals(List.of("x0", "x1", "x2"), values(payload.at("/records/" + settings.config().topic() + "-0")));
            awaitTrue(() -> committed(mapping, 0) == offsetAfter(events.get(0), 0), "the offsets moved past the batch");
        } finally {
            mapping.stop();
        }
    }

    private static void produce(Map<Integer, List<String>> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Map.Entry<Integer, List<String>> partition : values.entrySet()) {
                for (String value : partition.getValue()) {
                    producer.send(new ProducerRecord<>(settings.config().topic(), partition.getKey(), null,
                            value.getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
    }

    private static List<String> values(JsonNode records) {
        List<String> values = new ArrayList<>();
        records.forEach(r -> values.add(new String(Base64.getDecoder().decode(r.path("value").asText()),
                StandardCharsets.UTF_8)));
        return values;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static long offsetAfter(JsonNode event, int partition) {
        JsonNode records = event.at("/records/" + settings.config().topic() + "-" + partition);
        return records.get(records.size() - 1).path("offset").asLong() + 1;
    }

    private static long committed(EventSourceMappingComponent mapping, int partition) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(mapping.groupId())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            OffsetAndMetadata offset = offsets.get(new TopicPartition(settings.config().topic(), partition));
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "no " + what + " within 60 s");
            Thread.sleep(100);
        }
    }

    /** The project root, for the settings (nothing of it is read here). */
    private static final class CdkJsonRoot {
        static java.nio.file.Path find() {
            return dev.refarch.realtime.infra.config.CdkJson.projectRoot(java.nio.file.Path.of("").toAbsolutePath());
        }
    }
}
