package dev.refarch.realtime.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Records produced to a real SCRAM broker, consumed back, turned into Lambda's MSK event JSON
 * (base64 keys and values, header byte arrays, {@code topic-partition} keys) and handed to the
 * consumer: every valid tick reaches the AppSync stand-in in its partition's order, and poison
 * records go to the failure queue without holding the others back.
 */
class BrokerToAppSyncTest {

    private static final String TOPIC = "market-ticks";
    private static final int PARTITIONS = 4;
    private static final List<String> SYMBOLS = List.of("AMZN", "MSFT", "GOOGL", "NVDA", "AAPL", "TSLA");
    private static final int TICKS_PER_SYMBOL = 40;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-secret"));

    @RegisterExtension
    static final TopicBroker broker = new TopicBroker("broker-to-appsync-password", TOPIC, PARTITIONS);

    @Test
    void recordsConsumedOffTheBrokerAreDeliveredInPartitionOrderAndPoisonIsParked() throws Exception {
        int poison = produce();
        List<ConsumerRecord<byte[], byte[]>> records = consumeAll(SYMBOLS.size() * TICKS_PER_SYMBOL + poison);
        String event = dev.refarch.realtime.msk.testing.MskEvents.json(
                dev.refarch.realtime.msk.testing.MskEvents.LOCAL_CLUSTER_ARN, broker.bootstrapServers(), records);
        JsonNode parsedJson = JSON.readTree(event);
        parsedJson.path("records").fieldNames().forEachRemaining(key ->
                assertTrue(key.matches(TOPIC + "-[0-" + (PARTITIONS - 1) + "]"), "records keyed topic-partition: " + key));
        assertTrue(parsedJson.path("records").size() > 1, "ticks spread over partitions");

        try (LocalAppSync appSync = new LocalAppSync(); LocalSqs sqs = new LocalSqs();
             SqsClient sqsClient = SqsClient.builder().region(Region.EU_WEST_1).credentialsProvider(CREDENTIALS)
                     .endpointOverride(sqs.endpoint()).httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            AppSyncClient client = AppSyncClient.builder(AppSyncClientConfig.defaults(appSync.endpoint(), Region.EU_WEST_1))
                    .credentialsProvider(CREDENTIALS).build();
            try (TickConsumer consumer = new TickConsumer(new TickValidator(4096), new AppSyncTickPublisher(client, 25),
                    new SqsFailureQueue(sqsClient, sqs.queueUrl(), JSON), TestConsumers.metrics(), TickRetry.standard(),
                    PARTITIONS)) {
                MskEvent parsed = new MskEventParser(JSON)
                        .parse(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)));
                BatchResponse response = consumer.consume(parsed, () -> Duration.ofSeconds(30));

                assertEquals(List.of(), response.batchItemFailures());
                Map<String, List<JsonNode>> delivered = appSync.ticksBySymbol();
                for (String symbol : SYMBOLS) {
                    List<Long> volumes = delivered.get(symbol).stream().map(t -> t.get("volume").asLong()).toList();
                    List<Long> expected = new ArrayList<>();
                    for (long i = 0; i < TICKS_PER_SYMBOL; i++) {
                        expected.add(i);
                    }
                    assertEquals(expected, volumes, symbol + ": every tick, in the order produced");
                }
                assertEquals(poison, sqs.messages.size(), "each poison record parked once");
                for (JsonNode message : sqs.messages) {
                    assertEquals("NOT_JSON", message.path("reason").asText(), message.toString());
                }
            }
        }
    }

    /** Ticks keyed by symbol (so each symbol stays on one partition), with a header; some poison. */
    private static int produce() {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        int poison = 0;
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < TICKS_PER_SYMBOL; i++) {
                for (String symbol : SYMBOLS) {
                    ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, symbol, MskEventBuilder.tick(symbol, i));
                    record.headers().add(new RecordHeader("source", "test".getBytes(StandardCharsets.UTF_8)));
                    producer.send(record);
                }
                if (i % 10 == 5) {
                    producer.send(new ProducerRecord<>(TOPIC, "AMZN", "garbage " + i));
                    poison++;
                }
            }
            producer.flush();
        }
        return poison;
    }

    private static List<ConsumerRecord<byte[], byte[]>> consumeAll(int expected) {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "broker-to-appsync");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertEquals(expected, records.size(), "records consumed back");
        // Lambda hands each partition's records in offset order.
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = new TreeMap<>();
        records.forEach(r -> byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r));
        List<ConsumerRecord<byte[], byte[]>> ordered = new ArrayList<>();
        byPartition.values().forEach(ordered::addAll);
        return ordered;
    }
}
