package dev.refarch.realtime.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.infra.config.AppConfig;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The local DynamoDB Streams mapping on DynamoDB Local's own Streams API: Lambda's event JSON
 * (with-ddb.html) and its partial batch response for streams
 * (services-ddb-batchfailurereporting.html: the batch checkpoints before the reported record).
 */
class StreamMappingComponentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalSettings settings;
    private static DynamoDbComponent dynamo;
    private static DynamoDbClient client;

    @BeforeAll
    static void start() throws Exception {
        settings = new LocalSettings(dev.refarch.realtime.infra.config.CdkJson.projectRoot(java.nio.file.Path.of("").toAbsolutePath()),
                AppConfig.from(key -> null),
                Ports.resolve(Map.of("ports", "auto")),
                new LogFolder(Files.createTempDirectory("stream-mapping-logs")), "da2-test", 1000);
        dynamo = new DynamoDbComponent(settings);
        dynamo.start();
        client = AwsClients.dynamo(dynamo.endpoint());
    }

    @AfterAll
    static void stop() {
        client.close();
        dynamo.stop();
    }

    private static void vote(String reaction, int times) {
        for (int i = 0; i < times; i++) {
            client.updateItem(u -> u.tableName(dynamo.table("reviews"))
                    .key(Map.of(Reviews.REACTION, AttributeValue.fromS(reaction)))
                    .updateExpression("ADD #c :one, #v :one")
                    .expressionAttributeNames(Map.of("#c", Reviews.COUNT, "#v", Reviews.VERSION))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
        }
    }

    private static void awaitRecords(List<JsonNode> records, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (records.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void everyWriteArrivesOnceInOrderAsLambdasDynamoDbEvent() throws Exception {
        List<JsonNode> records = Collections.synchronizedList(new ArrayList<>());
        StreamMappingComponent mapping = new StreamMappingComponent(settings, dynamo, "reviews", AwsAccess.direct(dynamo.endpoint()), new StubFunction("stub-broadcaster", event -> {
            event.path("Records").forEach(records::add);
            return new RuntimeApi.Result(false, "{\"batchItemFailures\":[]}");
        }));
        mapping.start();
        try {
            vote("MEH", 30);
            awaitRecords(records, 30);
            Thread.sleep(600);
            assertEquals(30, records.size());
            for (int i = 0; i < 30; i++) {
                JsonNode record = records.get(i);
                assertEquals("MODIFY", record.path("eventName").asText());
                assertEquals("aws:dynamodb", record.path("eventSource").asText());
                assertEquals("MEH", record.at("/dynamodb/Keys/reaction/S").asText());
                assertEquals(i + 1, record.at("/dynamodb/NewImage/version/N").asInt(), record.toString());
                assertEquals("NEW_IMAGE", record.at("/dynamodb/StreamViewType").asText());
                assertTrue(record.path("eventSourceARN").asText().contains("/stream/"), record.toString());
            }
        } finally {
            mapping.stop();
        }
    }

    /**
     * {@code --stream-shards=4}: the stream's records split by partition key into four logical shards, each
     * item's records to one shard in order, the shards' batches delivered at once (each invocation here waits
     * until another shard's is in flight, so a mapping that delivers one batch at a time never gets past the
     * first), and each shard's one at a time, to its own environment.
     */
    @Test
    void severalStreamShardsDeliverAtOnceEachItemInOrderToOneEnvironment() throws Exception {
        int shards = 4;
        int items = 20;
        int writes = 5;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        List<AtomicInteger> inFlightPerEnvironment = new ArrayList<>();
        List<AtomicInteger> mostPerEnvironment = new ArrayList<>();
        List<List<String>> receivedPerEnvironment = new ArrayList<>();
        List<StubFunction> environments = new ArrayList<>();
        for (int e = 0; e < shards; e++) {
            AtomicInteger mine = new AtomicInteger();
            AtomicInteger mostMine = new AtomicInteger();
            List<String> received = Collections.synchronizedList(new ArrayList<>());
            inFlightPerEnvironment.add(mine);
            mostPerEnvironment.add(mostMine);
            receivedPerEnvironment.add(received);
            environments.add(new StubFunction("stub-broadcaster-" + (e + 1), event -> {
                mostMine.accumulateAndGet(mine.incrementAndGet(), Math::max);
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    long deadline = System.nanoTime() + 5_000_000_000L;
                    while (mostInFlight.get() < 2 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                event.path("Records").forEach(r -> received.add(r.at("/dynamodb/Keys/reaction/S").asText() + "/"
                        + r.at("/dynamodb/NewImage/version/N").asText()));
                inFlight.decrementAndGet();
                mine.decrementAndGet();
                return new RuntimeApi.Result(false, "{}");
            }));
        }
        StreamMappingComponent mapping = new StreamMappingComponent(settings, dynamo, "reviews",
                AwsAccess.direct(dynamo.endpoint()), environments);
        mapping.start();
        try {
            for (int w = 0; w < writes; w++) {
                for (int i = 0; i < items; i++) {
                    vote("SHARDED" + i, 1);
                }
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (receivedPerEnvironment.stream().mapToInt(List::size).sum() < items * writes
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(600);
            assertEquals(items * writes, receivedPerEnvironment.stream().mapToInt(List::size).sum(), "every record once");
            Map<String, Integer> environmentOfItem = new java.util.HashMap<>();
            int used = 0;
            for (int e = 0; e < shards; e++) {
                Map<String, List<Integer>> versions = new java.util.HashMap<>();
                for (String record : receivedPerEnvironment.get(e)) {
                    String item = record.split("/")[0];
                    Integer before = environmentOfItem.put(item, e);
                    assertTrue(before == null || before == e, item + " went to environments " + before + " and " + e);
                    versions.computeIfAbsent(item, k -> new ArrayList<>()).add(Integer.parseInt(record.split("/")[1]));
                }
                versions.forEach((item, list) -> assertEquals(List.of(1, 2, 3, 4, 5), list, item + ", in order"));
                assertTrue(mostPerEnvironment.get(e).get() <= 1, "one batch at a time in environment " + (e + 1));
                used += receivedPerEnvironment.get(e).isEmpty() ? 0 : 1;
            }
            assertEquals(items, environmentOfItem.size());
            environmentOfItem.forEach((item, e) -> assertEquals(StreamMappingComponent.shardOf(
                    Map.of(Reviews.REACTION, AttributeValue.fromS(item)), Reviews.REACTION, shards), e, item));
            assertTrue(used >= 3, "20 items over 4 shards by key hash: " + used + " shards used");
            assertTrue(mostInFlight.get() >= 2, "shards delivered at once: at most " + mostInFlight.get() + " in flight");
        } finally {
            mapping.stop();
        }
    }

    @Test
    void aReportedRecordComesAgainWithEverythingAfterItAndNothingBefore() throws Exception {
        List<Integer> failing = Collections.synchronizedList(new ArrayList<>());
        List<Integer> after = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        StreamMappingComponent mapping = new StreamMappingComponent(settings, dynamo, "reviews", AwsAccess.direct(dynamo.endpoint()), new StubFunction("stub-broadcaster", event -> {
            List<Integer> versions = new ArrayList<>();
            event.path("Records").forEach(r -> versions.add(r.at("/dynamodb/NewImage/version/N").asInt()));
            if (!failed.get() && versions.size() >= 3) {
                failed.set(true);
                failing.addAll(versions);
                // Fails the third record and, by the stream rules, everything after it.
                return new RuntimeApi.Result(false, "{\"batchItemFailures\":[{\"itemIdentifier\":\""
                        + event.path("Records").get(2).at("/dynamodb/SequenceNumber").asText() + "\"}]}");
            }
            if (failed.get()) {
                after.addAll(versions);
            }
            return new RuntimeApi.Result(false, "{}");
        }));
        mapping.start();
        try {
            int before = versionOf("LIKE");
            vote("LIKE", 12);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while ((after.isEmpty() || after.get(after.size() - 1) < before + 12) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(600);
            assertTrue(failed.get(), "no batch of three or more records arrived");
            int from = failing.get(2);
            List<Integer> expected = new ArrayList<>();
            for (int v = from; v <= before + 12; v++) {
                expected.add(v);
            }
            assertEquals(expected, after, "retried from the reported record on, once each; failing batch " + failing);
        } finally {
            mapping.stop();
        }
    }

    private static int versionOf(String reaction) {
        AttributeValue version = client.getItem(g -> g.tableName(dynamo.table("reviews"))
                .key(Map.of(Reviews.REACTION, AttributeValue.fromS(reaction)))).item().get(Reviews.VERSION);
        return version == null ? 0 : Integer.parseInt(version.n());
    }

    @Test
    void aFunctionErrorRetriesTheWholeBatchThenGivesUpAfterTheRetryAttempts() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        StreamMappingComponent mapping = new StreamMappingComponent(settings, dynamo, "reviews", AwsAccess.direct(dynamo.endpoint()), new StubFunction("stub-broadcaster", event -> {
            calls.incrementAndGet();
            return new RuntimeApi.Result(true, "{\"errorMessage\":\"boom\"}");
        }));
        mapping.start();
        try {
            vote("LOVE", 1);
            long deadline = System.nanoTime() + 40_000_000_000L;
            while (calls.get() < 1 + dev.refarch.realtime.infra.constructs.ReviewBroadcaster.RETRY_ATTEMPTS
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(1500);
            assertEquals(1 + dev.refarch.realtime.infra.constructs.ReviewBroadcaster.RETRY_ATTEMPTS, calls.get(),
                    "one try and RETRY_ATTEMPTS retries, then the batch is given up");
        } finally {
            mapping.stop();
        }
    }
}
