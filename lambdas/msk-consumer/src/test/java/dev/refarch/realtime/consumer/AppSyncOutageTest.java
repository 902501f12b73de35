package dev.refarch.realtime.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * An AppSync outage longer than the whole retry budget of the previous design (4 attempts,
 * about a second, per invocation; 1 + 10 invocations before Lambda skips the batch), with the
 * production wiring of the handler and a poller that drives it as Lambda's Kafka event source
 * mapping does: records off a real broker, one invocation per batch with a short deadline,
 * each reported partition retried from the reported offset, at most 1 + 10 invocations
 * (the retry cap when an on-failure destination is set,
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html), whatever is
 * still reported then is skipped.
 */
class AppSyncOutageTest {

    private static final String TOPIC = "outage-ticks";
    private static final int PARTITIONS = 3;
    private static final List<String> SYMBOLS = List.of("AMZN", "MSFT", "GOOGL", "NVDA", "AAPL", "TSLA");
    private static final int TICKS_PER_SYMBOL = 10;
    /** Longer than 11 invocations of about a second each. */
    private static final Duration OUTAGE = Duration.ofSeconds(12);
    /** What each invocation has left when it starts: a short simulated function timeout. */
    private static final Duration INVOCATION = Duration.ofSeconds(4);
    private static final int MAX_INVOCATIONS = 1 + 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TopicBroker broker = new TopicBroker("outage-password", TOPIC, PARTITIONS);

    @Test
    void anOutageLongerThanThePreviousWholeRetryBudgetSkipsNoTickAndDeliversEveryOffsetInOrder() throws Exception {
        produce();
        try (LocalAppSync appSync = new LocalAppSync(); LocalSqs sqs = new LocalSqs();
             KafkaConsumer<byte[], byte[]> poller = poller()) {
            Map<String, String> env = new HashMap<>();
            env.put("GRAPHQL_URL", appSync.endpoint().toString());
            env.put("FAILURE_QUEUE_URL", sqs.queueUrl());
            env.put("AWS_REGION", "eu-west-1");
            env.put("AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString());
            try (TickConsumer consumer = TickConsumer.fromConfig(ConsumerConfig.fromEnv(env), StaticCredentialsProvider
                    .create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")))) {
                TickConsumerHandler handler = new TickConsumerHandler(consumer);
                long outageStart = System.nanoTime();
                appSync.outageFor(OUTAGE);

                Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> batch = pollAll(poller);
                int invocations = 0;
                List<String> skipped = new ArrayList<>();
                while (!batch.isEmpty()) {
                    invocations++;
                    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
                    batch.values().forEach(records::addAll);
                    String event = dev.refarch.realtime.msk.testing.MskEvents.json(
                            dev.refarch.realtime.msk.testing.MskEvents.LOCAL_CLUSTER_ARN, broker.bootstrapServers(), records);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
                            TestConsumers.context(INVOCATION));
                    Map<TopicPartition, Long> retryFrom = new LinkedHashMap<>();
                    for (JsonNode failure : JSON.readTree(out.toByteArray()).path("batchItemFailures")) {
                        String key = failure.at("/itemIdentifier/partition").asText();
                        int partition = Integer.parseInt(key.substring(key.lastIndexOf('-') + 1));
                        retryFrom.put(new TopicPartition(TOPIC, partition), failure.at("/itemIdentifier/offset").asLong());
                    }
                    if (retryFrom.isEmpty()) {
                        break;
                    }
                    if (invocations == MAX_INVOCATIONS) {
                        // Lambda would now send these to the on-failure destination and move on.
                        retryFrom.forEach((tp, offset) -> skipped.add(tp + "@" + offset + "+"));
                        break;
                    }
                    // The retry re-reads each reported partition from the reported offset.
                    retryFrom.forEach(poller::seek);
                    batch = pollAll(poller, retryFrom);
                }
                Duration took = Duration.ofNanos(System.nanoTime() - outageStart);

                assertEquals(List.of(), skipped, "records Lambda would have skipped");
                assertTrue(invocations > 1 && invocations <= MAX_INVOCATIONS, "invocations: " + invocations);
                assertTrue(took.compareTo(OUTAGE) > 0, "the outage outlasted the old budget: " + took);
                assertTrue(appSync.refused.get() > MAX_INVOCATIONS * 4,
                        "more refused requests than the old design's 4 per invocation: " + appSync.refused.get());
                Map<String, List<JsonNode>> delivered = appSync.broadcastBySymbol();
                for (String symbol : SYMBOLS) {
                    List<Long> volumes = delivered.getOrDefault(symbol, List.of()).stream()
                            .map(t -> t.get("volume").asLong()).toList();
                    List<Long> expected = new ArrayList<>();
                    for (long i = 0; i < TICKS_PER_SYMBOL; i++) {
                        expected.add(i);
                    }
                    assertEquals(expected, volumes, symbol + ": every tick once, in order");
                }
                assertEquals(List.of(), sqs.messages);
            }
        }
    }

    private static void produce() {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < TICKS_PER_SYMBOL; i++) {
                for (String symbol : SYMBOLS) {
                    producer.send(new ProducerRecord<>(TOPIC, symbol, MskEventBuilder.tick(symbol, i)));
                }
            }
            producer.flush();
        }
    }

    private static KafkaConsumer<byte[], byte[]> poller() {
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(broker.clientProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(TOPIC, p));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Every record from each partition's position to its end. */
    private static Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> pollAll(KafkaConsumer<byte[], byte[]> poller) {
        return pollAll(poller, null);
    }

    private static Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> pollAll(KafkaConsumer<byte[], byte[]> poller,
            Map<TopicPartition, Long> only) {
        Map<TopicPartition, Long> ends = poller.endOffsets(poller.assignment());
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> batch = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && poller.assignment().stream()
                .anyMatch(tp -> poller.position(tp) < ends.get(tp))) {
            for (ConsumerRecord<byte[], byte[]> record : poller.poll(Duration.ofMillis(100))) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (only == null || only.containsKey(tp)) {
                    batch.computeIfAbsent(tp, k -> new ArrayList<>()).add(record);
                }
            }
        }
        return batch;
    }
}
