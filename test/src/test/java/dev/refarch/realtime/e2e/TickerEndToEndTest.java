package dev.refarch.realtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The market ticker through the whole local run: the scheduled producer's ticks go through the
 * SCRAM broker, the event source mapping poller and the consumer function to a WebSocket
 * subscriber of one symbol, each naming the one before it (previousSequence); a poison record lands in
 * the failure queue with its reason while the ticks behind it keep coming.
 */
@ExtendWith(SharedLocalRun.class)
@ResourceLock(SharedLocalRun.LOCK)
class TickerEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TICK_WAIT = Duration.ofSeconds(30);
    private static LocalRunner run;

    @BeforeAll
    static void start(LocalRunner shared) {
        run = shared;
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.assertNoRefusals();
        }
    }

    @Test
    void aSubscriberGetsEveryTickOfItsSymbolInOrderAndNoOther() throws Exception {
        try (RealtimeSubscriber amzn = run.subscriber(); RealtimeSubscriber msft = run.subscriber()) {
            amzn.subscribe(Operations.ON_TICK, Map.of("symbol", "AMZN"));
            msft.subscribe(Operations.ON_TICK, Map.of("symbol", "MSFT"));
            List<JsonNode> amznTicks = receive(amzn, 6);
            List<JsonNode> msftTicks = receive(msft, 3);
            assertOnlyAndInOrder("AMZN", amznTicks);
            assertOnlyAndInOrder("MSFT", msftTicks);
            assertNoneLost("AMZN", amznTicks);
            assertEachNamesThePreviousOne(amznTicks);
        }
    }

    /**
     * With none lost, each tick's previousSequence (the producer's, carried by the consumer and the resolver)
     * is the sequence of the tick received before it: the page sees no gap where there is none.
     */
    private static void assertEachNamesThePreviousOne(List<JsonNode> received) {
        for (int i = 1; i < received.size(); i++) {
            assertEquals(received.get(i - 1).path("sequence").asLong(), received.get(i).path("previousSequence").asLong(-1),
                    "tick " + i + " names the one before it: " + received);
        }
    }

    /** Every tick of the symbol on the topic between the first and last one received was received. */
    private static void assertNoneLost(String symbol, List<JsonNode> received) throws Exception {
        Instant first = Instant.parse(received.get(0).path("timestamp").asText());
        Instant last = Instant.parse(received.get(received.size() - 1).path("timestamp").asText());
        List<String> onTopic = new ArrayList<>();
        Properties props = run.kafka();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-audit-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(run.text("topic")));
            int idle = 0;
            // A symbol's ticks share one partition (keyed by symbol): one later than the span means
            // the span has been read whole.
            boolean pastTheSpan = false;
            while (idle < 5 && !pastTheSpan) {
                var records = consumer.poll(Duration.ofMillis(500));
                idle = records.isEmpty() && consumer.assignment().size() > 0 ? idle + 1 : 0;
                for (var record : records) {
                    JsonNode tick;
                    try {
                        tick = JSON.readTree(record.value());
                    } catch (java.io.IOException e) {
                        continue;
                    }
                    Instant at = Instant.parse(tick.path("timestamp").asText());
                    if (symbol.equals(tick.path("symbol").asText()) && !at.isBefore(first) && !at.isAfter(last)) {
                        onTopic.add(tick.path("timestamp").asText());
                    }
                    pastTheSpan |= symbol.equals(tick.path("symbol").asText()) && at.isAfter(last);
                }
            }
        }
        onTopic.sort(null);
        assertEquals(onTopic, received.stream().map(t -> t.path("timestamp").asText()).toList(),
                "every " + symbol + " tick on the topic in that span reached the subscriber, once");
    }

    @Test
    void aPoisonRecordEndsInTheFailureQueueWithItsReasonAndLaterTicksStillArrive() throws Exception {
        try (RealtimeSubscriber amzn = run.subscriber();
             SqsClient sqs = sqs();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(run.kafka(),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            amzn.subscribe(Operations.ON_TICK, Map.of("symbol", "AMZN"));
            receive(amzn, 1);
            // Keyed like a real AMZN tick, so it sits in that symbol's partition, ahead of later ticks.
            producer.send(new ProducerRecord<>(run.text("topic"), "AMZN".getBytes(StandardCharsets.UTF_8),
                    "{not json".getBytes(StandardCharsets.UTF_8))).get();
            Instant poisonedAt = Instant.now();

            Message parked = awaitMessage(sqs, Duration.ofSeconds(30));
            JsonNode body = JSON.readTree(parked.body());
            assertTrue(body.path("reason").asText().length() > 0, "the failure message names its reason: " + body);

            List<JsonNode> later = new ArrayList<>();
            long deadline = System.nanoTime() + TICK_WAIT.toNanos();
            while (later.size() < 3 && System.nanoTime() < deadline) {
                JsonNode tick = amzn.awaitNext(TICK_WAIT).at("/payload/data/onTick");
                if (Instant.parse(tick.path("timestamp").asText()).isAfter(poisonedAt)) {
                    later.add(tick);
                }
            }
            assertEquals(3, later.size(), "AMZN ticks produced after the poison record arrive");
        }
    }

    private static List<JsonNode> receive(RealtimeSubscriber subscriber, int count) {
        List<JsonNode> ticks = new ArrayList<>();
        while (ticks.size() < count) {
            JsonNode event = subscriber.awaitNext(TICK_WAIT);
            assertTrue(event.at("/payload/errors").isMissingNode(), "no errors: " + event);
            ticks.add(event.at("/payload/data/onTick"));
        }
        return ticks;
    }

    private static void assertOnlyAndInOrder(String symbol, List<JsonNode> ticks) {
        Instant previous = Instant.MIN;
        for (JsonNode tick : ticks) {
            assertEquals(symbol, tick.path("symbol").asText(), "only " + symbol + ": " + ticks);
            Instant at = Instant.parse(tick.path("timestamp").asText());
            assertTrue(at.isAfter(previous), "in the producer's order: " + ticks);
            previous = at;
        }
    }

    private static Message awaitMessage(SqsClient sqs, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(run.text("failureQueueUrl"))
                    .waitTimeSeconds(2).maxNumberOfMessages(1)).messages();
            if (!messages.isEmpty()) {
                return messages.get(0);
            }
        }
        throw new AssertionError("no message in the failure queue within " + timeout);
    }

    private static SqsClient sqs() {
        return SqsClient.builder().endpointOverride(URI.create(run.text("sqsEndpoint")))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
