package dev.refarch.realtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.cli.AwsClients;
import dev.refarch.realtime.cli.TicksCli;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.CdkJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The AppSync endpoint stopped mid-stream for longer than the event source mapping's retry budget
 * (1 + 10 invocations, shortened with {@code --consumer-timeout-seconds}): the simulator's node
 * process is frozen with SIGSTOP, so the run's supervisor still sees it alive, and thawed with
 * SIGCONT once the mapping has written its first invocation record to the S3 failure bucket.
 * Then every offset of the topic is accounted for, as delivered to the subscriber or held whole
 * in the bucket, and {@code ticks replay} against the local run delivers what the bucket holds.
 *
 * <p>Owns its run ({@link SharedLocalRun} says when): it freezes the simulator every class would use,
 * and shortens the consumer's timeout. Runs alone ({@code @Isolated}): with a 5 s function timeout, a
 * machine busy with another class's run times invocations out after AppSync is back, and batches
 * already delivered end in the bucket too (seen with two classes at once on 2 cores).
 */
@Isolated
class AppSyncOutageEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each failing invocation then lasts about 3.5 s (the handler keeps a 1.5 s margin). */
    private static final int CONSUMER_TIMEOUT_SECONDS = 5;
    /** 11 invocations of about 3.5 s plus the mapping's backoff between them (at most 4 s each). */
    private static final Duration RETRY_BUDGET_WAIT = Duration.ofSeconds(150);
    private static final Duration TICK_WAIT = Duration.ofSeconds(30);
    private static final String REPLAYED = "replayed/";
    private static LocalRunner run;
    private static List<String> symbols;

    @BeforeAll
    static void start() throws Exception {
        Map<String, Object> context = CdkJson.context(LocalRunner.ROOT.resolve("cdk.json"));
        symbols = AppConfig.from(context::get).symbols();
        run = LocalRunner.start("outage", List.of("--consumer-timeout-seconds=" + CONSUMER_TIMEOUT_SECONDS));
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void nothingIsLostWhenAppSyncIsDownLongerThanTheRetryBudgetAndReplayDeliversWhatTheBucketHolds() throws Exception {
        ProcessHandle simulator = simulatorProcess();
        Received received = new Received();
        try (S3Client s3 = s3()) {
            RealtimeSubscriber subscriber = subscribeToEverySymbol();
            Instant subscribedAt = Instant.now();
            try {
                received.drain(subscriber, TICK_WAIT, 3);
                assertTrue(received.size() >= 3, "ticks flow before the outage: " + received.size());

                Instant stoppedAt = Instant.now();
                signal("STOP", simulator);
                List<S3Object> held;
                try {
                    held = awaitFailureObjects(s3, RETRY_BUDGET_WAIT);
                } finally {
                    signal("CONT", simulator);
                }
                Duration outage = Duration.between(stoppedAt, Instant.now());
                assertTrue(run.process().isAlive(), "the run survived the outage:\n" + run.output());
                assertFalse(run.output().contains("FAILED"), "no component was reported dead:\n" + run.output());

                for (S3Object object : held) {
                    JsonNode record = JSON.readTree(s3.getObjectAsBytes(g -> g.bucket(bucket()).key(object.key()))
                            .asByteArray());
                    // https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html: the invocation
                    // record, condition RetryAttemptsExhausted after 1 + MaximumRetryAttempts invocations.
                    assertEquals("RetryAttemptsExhausted", record.at("/requestContext/condition").asText(), object.key());
                    assertEquals(11, record.at("/requestContext/approximateInvokeCount").asInt(), object.key());
                    assertTrue(record.path("payload").isTextual(), "the payload is the MSK event as a string");
                }

                // The WebSocket may or may not outlive a frozen server: reconnect if it did not.
                subscriber = resumeDelivery(subscriber, received, s3);
                Map<String, TopicRecord> topic = auditTopic();
                Map<String, String> inBucket = awaitAccounted(subscriber, received, s3, topic, subscribedAt);
                long beforeSubscription = topic.values().stream().filter(r -> r.producedAt().isBefore(subscribedAt)
                        && !received.has(r.symbol(), r.sequence())).count();
                System.out.printf("outage %d s; %d offsets on the topic: %d received, %d held in s3 (%d object(s)),"
                                + " %d produced before the subscription and not seen; duplicates received: %s%n",
                        outage.toSeconds(), topic.size(), received.size(), inBucket.size(), held.size(),
                        beforeSubscription, received.duplicates);
                assertEquals(List.of(), received.errors, "no subscription event carried errors");
                assertEquals(List.of(), received.outOfOrder, "each symbol's ticks arrived in sequence order");
                assertFalse(inBucket.isEmpty(), "some records exhausted their retries");

                String first = replay();
                Set<String> published = new HashSet<>();
                for (String id : inBucket.keySet()) {
                    // One line per record: "  <id> <symbol> sequence <n> published|already delivered (StaleTick)".
                    List<String> lines = first.lines().filter(l -> l.startsWith("  " + id + " ")).toList();
                    boolean wasPublished = lines.size() == 1 && lines.get(0).endsWith(" published");
                    boolean stale = lines.size() == 1 && lines.get(0).endsWith(" already delivered (StaleTick)");
                    assertTrue(wasPublished || stale, id + " is published or already delivered:\n" + first);
                    if (wasPublished) {
                        published.add(id);
                    }
                }
                assertFalse(first.contains("NOT delivered"), first);
                for (String id : published) {
                    TopicRecord record = topic.get(id);
                    received.awaitTick(subscriber, record.symbol(), record.sequence(), TICK_WAIT);
                }
                List<String> keys = s3.listObjectsV2Paginator(l -> l.bucket(bucket())).contents().stream()
                        .map(S3Object::key).toList();
                for (S3Object object : held) {
                    assertTrue(keys.contains(REPLAYED + object.key()), "moved under replayed/: " + keys);
                    assertFalse(keys.contains(object.key()), "no longer where the mapping wrote it: " + keys);
                }

                String second = replay();
                assertTrue(second.contains("nothing to replay"), "a second replay sends nothing:\n" + second);
                assertTrue(second.lines().noneMatch(l -> l.startsWith("  ")), "no record is sent again:\n" + second);
                assertTrue(second.contains("0 object(s): 0 published"), second);
            } finally {
                subscriber.close();
            }
        }
    }

    private static ProcessHandle simulatorProcess() {
        List<ProcessHandle> nodes = run.process().descendants()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains("graphql/simulator/server.js"))
                        .orElse(false))
                .toList();
        assertEquals(1, nodes.size(), "one simulator process under the run");
        return nodes.get(0);
    }

    private static void signal(String signal, ProcessHandle process) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        assertEquals(0, exit, "kill -" + signal + " " + process.pid());
    }

    private static RealtimeSubscriber subscribeToEverySymbol() {
        RealtimeSubscriber subscriber = run.subscriber();
        for (String symbol : symbols) {
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", symbol));
        }
        return subscriber;
    }

    /** The invocation records the mapping wrote once a batch exhausted its retries. */
    private static List<S3Object> awaitFailureObjects(S3Client s3, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<S3Object> objects = failureObjects(s3);
            if (!objects.isEmpty()) {
                return objects;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no invocation record in s3://" + bucket() + " within " + timeout);
    }

    private static List<S3Object> failureObjects(S3Client s3) {
        return s3.listObjectsV2Paginator(l -> l.bucket(bucket())).contents().stream()
                .filter(o -> !o.key().startsWith(REPLAYED))
                .toList();
    }

    /**
     * Waits for a tick after the thaw; a subscriber whose connection did not survive the freeze
     * is replaced by a new one.
     */
    private static RealtimeSubscriber resumeDelivery(RealtimeSubscriber subscriber, Received received, S3Client s3) {
        int before = received.size();
        try {
            received.drain(subscriber, TICK_WAIT, before + 1);
        } catch (RuntimeException e) {
            // a connection that died with the freeze: replaced below
        }
        if (received.size() > before) {
            return subscriber;
        }
        System.out.println("the subscriber's connection did not survive the freeze: reconnecting");
        subscriber.close();
        RealtimeSubscriber fresh = subscribeToEverySymbol();
        received.drain(fresh, TICK_WAIT, before + 1);
        return fresh;
    }

    /** One record of the topic: its value, and the tick it carries. */
    record TopicRecord(String id, Instant producedAt, byte[] value, String symbol, long sequence) {
    }

    /**
     * Every record of the topic up to its end offsets now, keyed {@code <topic>-<partition>@<offset>}
     * as the invocation record and {@code ticks replay} name them.
     */
    private static Map<String, TopicRecord> auditTopic() throws IOException {
        Map<String, TopicRecord> records = new TreeMap<>();
        java.util.Properties props = run.kafka();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-outage-audit-" + System.nanoTime());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(run.text("topic")).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the topic could not be read to its end offsets " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    JsonNode tick = JSON.readTree(r.value());
                    String id = r.topic() + "-" + r.partition() + "@" + r.offset();
                    records.put(id, new TopicRecord(id, Instant.ofEpochMilli(r.timestamp()), r.value(),
                            tick.path("symbol").asText(), tick.path("sequence").asLong()));
                }
            }
        }
        assertFalse(records.isEmpty(), "the producer wrote to the topic");
        return records;
    }

    /**
     * Waits until every record of the topic produced after the subscription started was received
     * or is held whole in the bucket; fails naming the records that are neither. Returns the
     * records held in the bucket (id to the object holding it).
     */
    private static Map<String, String> awaitAccounted(RealtimeSubscriber subscriber, Received received, S3Client s3,
                                                      Map<String, TopicRecord> topic, Instant subscribedAt)
            throws IOException {
        // A batch whose invocation was under way when the simulator resumed may still be inside its retry
        // budget: it is accounted for (delivered or held) within one budget, and at once on a quiet machine.
        long deadline = System.nanoTime() + RETRY_BUDGET_WAIT.toNanos();
        while (true) {
            Map<String, String> inBucket = heldRecords(s3, topic);
            List<String> missing = new ArrayList<>();
            for (TopicRecord record : topic.values()) {
                // A subscriber cannot see what went out before it subscribed.
                boolean beforeSubscription = record.producedAt().isBefore(subscribedAt);
                if (!received.has(record.symbol(), record.sequence()) && !inBucket.containsKey(record.id())
                        && !beforeSubscription) {
                    missing.add(record.id() + " " + record.symbol() + "#" + record.sequence());
                }
            }
            if (missing.isEmpty()) {
                return inBucket;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(missing.size() + " of " + topic.size()
                        + " offsets neither reached the subscriber nor are in the failure bucket: " + missing
                        + "; out of order: " + received.outOfOrder + "; duplicates: " + received.duplicates
                        + "; error events: " + received.errors);
            }
            received.drain(subscriber, Duration.ofSeconds(2), Integer.MAX_VALUE);
        }
    }

    /** The records the bucket's invocation records hold, checked to be the topic's own bytes. */
    private static Map<String, String> heldRecords(S3Client s3, Map<String, TopicRecord> topic) throws IOException {
        Map<String, String> held = new LinkedHashMap<>();
        for (S3Object object : s3.listObjectsV2Paginator(l -> l.bucket(bucket())).contents()) {
            JsonNode record = JSON.readTree(s3.getObjectAsBytes(g -> g.bucket(bucket()).key(object.key())).asByteArray());
            JsonNode event = JSON.readTree(record.path("payload").asText());
            for (JsonNode partition : event.path("records")) {
                for (JsonNode r : partition) {
                    String id = r.path("topic").asText() + "-" + r.path("partition").asInt() + "@" + r.path("offset").asLong();
                    TopicRecord original = topic.get(id);
                    if (original != null) {
                        assertEquals(Base64.getEncoder().encodeToString(original.value()), r.path("value").asText(),
                                id + " is held whole in " + object.key());
                    }
                    held.put(id, object.key());
                }
            }
        }
        return held;
    }

    /**
     * {@code ticks replay --local} against the local run, in-process through its picocli entry point:
     * through the IAM gateway, signed as the operator (the stack's operator policy).
     */
    private static String replay() {
        StringWriter output = new StringWriter();
        PrintWriter writer = new PrintWriter(output, true);
        int exit = new CommandLine(new TicksCli(AwsClients.defaults())).setOut(writer).setErr(writer)
                .execute("replay", "--local", run.readyFile().toString());
        writer.flush();
        assertEquals(TicksCli.OK, exit, "ticks replay exit code:\n" + output);
        System.out.println(output);
        return output.toString();
    }

    private static String bucket() {
        return run.text("failureBucket");
    }

    private static S3Client s3() {
        return S3Client.builder().endpointOverride(URI.create(run.text("s3Endpoint")))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** The ticks a subscriber received, per symbol, checked in order on arrival. */
    private static final class Received {
        private final Map<String, Set<Long>> bySymbol = new HashMap<>();
        private final Map<String, Long> last = new HashMap<>();
        private final List<String> duplicates = new ArrayList<>();
        private final List<String> outOfOrder = new ArrayList<>();
        private final List<String> errors = new ArrayList<>();
        private int size;

        int size() {
            return size;
        }

        boolean has(String symbol, long sequence) {
            return bySymbol.getOrDefault(symbol, Set.of()).contains(sequence);
        }

        /** Reads events until {@code total} ticks were received or none comes within {@code idle}. */
        void drain(RealtimeSubscriber subscriber, Duration idle, int total) {
            while (size < total) {
                JsonNode event;
                try {
                    event = subscriber.awaitNext(idle);
                } catch (AssertionError timeout) {
                    return;
                }
                if (!event.at("/payload/errors").isMissingNode()) {
                    errors.add(event.toString());
                    continue;
                }
                JsonNode tick = event.at("/payload/data/onTick");
                String symbol = tick.path("symbol").asText();
                long sequence = tick.path("sequence").asLong();
                Long previous = last.put(symbol, sequence);
                if (previous != null && sequence < previous) {
                    outOfOrder.add(symbol + "#" + sequence + " after #" + previous);
                }
                if (bySymbol.computeIfAbsent(symbol, s -> new HashSet<>()).add(sequence)) {
                    size++;
                } else {
                    // The frozen server runs, once thawed, the requests the consumer had given up
                    // on beside its retries of the same ticks. Counted and printed: this test is
                    // about loss (TickerEndToEndTest is about once-only, in-order delivery).
                    duplicates.add(symbol + "#" + sequence);
                }
            }
        }

        void awaitTick(RealtimeSubscriber subscriber, String symbol, long sequence, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!has(symbol, sequence) && System.nanoTime() < deadline) {
                drain(subscriber, Duration.ofSeconds(1), size + 1);
            }
            assertTrue(has(symbol, sequence), "the replayed " + symbol + "#" + sequence + " reached the subscriber");
        }
    }
}
