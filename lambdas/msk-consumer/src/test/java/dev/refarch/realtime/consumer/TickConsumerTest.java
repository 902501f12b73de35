package dev.refarch.realtime.consumer;

import dev.refarch.realtime.lambda.testing.LogCapture;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.consumer.BatchResponse.BatchItemFailure;
import dev.refarch.realtime.consumer.BatchResponse.ItemIdentifier;
import dev.refarch.realtime.graphql.testing.AppSyncSchema;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The consumer against WireMock as AppSync and as SQS, with events in Lambda's MSK shape. */
class TickConsumerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
    private static final Region REGION = Region.EU_WEST_1;
    private static final int MAX_TICKS = 25;

    private final LocalAppSync appSync = new LocalAppSync();
    private final LocalSqs sqs = new LocalSqs();
    private final List<Duration> backoffs = new ArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        appSync.close();
        sqs.close();
    }

    /** Backoffs are recorded and really slept (they are short), so a deadline is reached in real time. */
    private void sleep(Duration d) throws InterruptedException {
        synchronized (backoffs) {
            backoffs.add(d);
        }
        Thread.sleep(d.toMillis());
    }

    private TickConsumer consumer(URI graphql, URI sqsEndpoint) {
        SqsClient sqsClient = SqsClient.builder().region(REGION).credentialsProvider(CREDENTIALS)
                .endpointOverride(sqsEndpoint).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        toClose.add(sqsClient);
        return consumer(graphql, new SqsFailureQueue(sqsClient, sqs.queueUrl(), JSON));
    }

    private TickConsumer consumer(URI graphql, FailureQueue failureQueue) {
        AppSyncClient client = AppSyncClient.builder(AppSyncClientConfig.defaults(graphql, REGION)
                        .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(2))
                        .withRetriesUntilDeadline(Duration.ofMillis(10), Duration.ofMillis(40))
                        .withBatchLimits(MAX_TICKS, 256 * 1024))
                .credentialsProvider(CREDENTIALS)
                .jitter(() -> 0.5)
                .sleeper(this::sleep)
                .build();
        TickConsumer consumer = new TickConsumer(new TickValidator(4096), new AppSyncTickPublisher(client, MAX_TICKS),
                failureQueue, TestConsumers.metrics(),
                new TickRetry(Duration.ofMillis(10), Duration.ofMillis(40), this::sleep, () -> 0.5), 4);
        toClose.add(consumer);
        return consumer;
    }

    private TickConsumer consumer() {
        return consumer(appSync.endpoint(), sqs.endpoint());
    }

    private static BatchResponse consume(TickConsumer consumer, MskEventBuilder events) {
        return consumer.consume(events.parsed(), () -> Duration.ofSeconds(30));
    }

    private static List<Long> volumes(List<JsonNode> ticks) {
        return ticks.stream().map(t -> t.get("volume").asLong()).toList();
    }

    private static List<Long> range(long from, long to) {
        List<Long> list = new ArrayList<>();
        for (long i = from; i < to; i++) {
            list.add(i);
        }
        return list;
    }

    private static BatchItemFailure failure(int partition, long offset) {
        return new BatchItemFailure(new ItemIdentifier(MskEventBuilder.TOPIC + "-" + partition, offset));
    }

    /** Partition p's tick at offset o has symbol P{p}S{o % 30}: 30 symbols per partition, in turn. */
    private static String cycledSymbol(int partition, long offset) {
        return "P" + partition + "S" + offset % 30;
    }

    /** Volumes of every tick delivered (answered with data), in delivery order. */
    private List<Long> broadcastOrder() {
        synchronized (appSync.broadcast) {
            return volumes(new ArrayList<>(appSync.broadcast));
        }
    }

    @Test
    void everyValidRecordIsDeliveredInPartitionOrderWithAtMostMaxTicksPerRequest() {
        MskEventBuilder events = new MskEventBuilder();
        int[] sizes = {60, 25, 7, 51};
        for (int p = 0; p < sizes.length; p++) {
            for (long o = 0; o < sizes[p]; o++) {
                events.add(p, 1000 + o, cycledSymbol(p, o), MskEventBuilder.tick(cycledSymbol(p, o), 1000 + o));
            }
        }

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        for (int p = 0; p < sizes.length; p++) {
            String partition = "P" + p + "S";
            List<Long> delivered = new ArrayList<>();
            for (JsonNode body : appSync.delivered) {
                LocalAppSync.ticks(body).stream().filter(t -> t.get("symbol").asText().startsWith(partition))
                        .forEach(t -> delivered.add(t.get("volume").asLong()));
            }
            assertEquals(range(1000, 1000 + sizes[p]), delivered, "partition " + p);
        }
        // ceil(60/25) + 1 + 1 + ceil(51/25) requests, none over the limit, each with one partition
        // and each later tick of a symbol chained to the previous one.
        assertEquals(3 + 1 + 1 + 3, appSync.delivered.size());
        for (JsonNode body : appSync.delivered) {
            List<JsonNode> ticks = LocalAppSync.ticks(body);
            assertTrue(ticks.size() <= MAX_TICKS, body.toString());
            assertEquals(1, ticks.stream().map(t -> t.get("symbol").asText().replaceAll("S\\d+$", "")).distinct().count());
            LocalAppSync.assertChained(body);
            assertEquals(2 * ticks.size(), body.get("variables").size(), "tick and after per alias");
            AppSyncSchema.assertValid(body.get("query").asText());
        }
        assertEquals(List.of(), sqs.messages);
    }

    @Test
    void eachKindOfPoisonRecordIsParkedWithItsReasonAndTheGoodRecordsAreDelivered() {
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "AMZN", MskEventBuilder.tick("AMZN", 0))
                .add(0, 1, "AMZN", "not json {")
                .add(0, 2, "AMZN", "{\"symbol\":\"AMZN\",\"open\":1,\"high\":2,\"low\":1,\"volume\":1,"
                        + "\"timestamp\":\"2026-01-05T14:30:00Z\"}")
                .add(0, 3, "AMZN", MskEventBuilder.tick("AMZN", 3).replace("\"price\":103.5", "\"price\":\"103.5\""))
                .add(0, 4, "AMZN", "{\"pad\":\"" + "x".repeat(5000) + "\"}")
                .add(0, 5, "AMZN", MskEventBuilder.tick("amzn!", 5))
                .add(0, 6, "AMZN", MskEventBuilder.tick("AMZN", 6).replace("\"low\":99.0", "\"low\":999.0"))
                .add(0, 7, "AMZN", MskEventBuilder.tick("AMZN", 7).replace("\"price\":107.5", "\"price\":0"))
                .add(0, 8, "AMZN", null)
                .add(0, 9, "AMZN", MskEventBuilder.tick("AMZN", 9))
                .add(1, 40, "MSFT", "[1,2,3]")
                .add(1, 41, "MSFT", MskEventBuilder.tick("MSFT", 41));

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(List.of(0L, 9L), volumes(appSync.ticksBySymbol().get("AMZN")));
        assertEquals(List.of(41L), volumes(appSync.ticksBySymbol().get("MSFT")));
        Map<Long, JsonNode> parked = sqs.messages.stream()
                .collect(Collectors.toMap(m -> m.get("offset").asLong(), m -> m));
        assertEquals(Map.of(1L, "NOT_JSON", 2L, "MISSING_FIELD", 3L, "WRONG_TYPE", 4L, "OVERSIZE",
                5L, "BAD_SYMBOL", 6L, "OUT_OF_RANGE", 7L, "OUT_OF_RANGE", 8L, "EMPTY_VALUE", 40L, "NOT_JSON"),
                parked.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get("reason").asText())));
        JsonNode missing = parked.get(2L);
        assertEquals("price is missing", missing.get("detail").asText());
        assertEquals("ticks", missing.get("topic").asText());
        assertEquals(0, missing.get("partition").asInt());
        assertEquals(1_767_623_400_002L, missing.get("timestamp").asLong());
        assertEquals("AMZN", new String(Base64.getDecoder().decode(missing.get("key").asText())));
        assertTrue(new String(Base64.getDecoder().decode(missing.get("value").asText())).startsWith("{\"symbol\":\"AMZN\""));
        assertEquals("sim-é", new String(Base64.getDecoder().decode(missing.at("/headers/producer").asText())));
        assertEquals("price must be a number", parked.get(3L).get("detail").asText());
        assertTrue(parked.get(4L).get("detail").asText().contains("limit 4096"), parked.get(4L).toString());
        assertTrue(sqs.targets.stream().allMatch("AmazonSQS.SendMessageBatch"::equals), sqs.targets.toString());
    }

    @Test
    void throttlingAndServerErrorsAreRetriedAndDelivered() {
        appSync.server.stubFor(post("/graphql").inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(status(429).withBody("{\"errors\":[{\"errorType\":\"TooManyRequestsException\"}]}"))
                .willSetStateTo("throttled"));
        appSync.server.stubFor(post("/graphql").inScenario("flaky").whenScenarioStateIs("throttled")
                .willReturn(LocalAppSync.echo()).willSetStateTo("delivered once"));
        appSync.server.stubFor(post("/graphql").inScenario("flaky").whenScenarioStateIs("delivered once")
                .willReturn(status(503)).willSetStateTo("recovered"));
        appSync.server.stubFor(post("/graphql").inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(LocalAppSync.echo()));
        MskEventBuilder events = new MskEventBuilder();
        for (long o = 0; o < 30; o++) {
            events.add(0, o, cycledSymbol(0, o), MskEventBuilder.tick(cycledSymbol(0, o), o));
        }

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(range(0, 30), broadcastOrder());
        assertEquals(2, backoffs.size(), "one backoff after the 429, one after the 503");
        assertEquals(4, appSync.server.getAllServeEvents().size());
    }

    @Test
    void whenAppSyncStaysDownEachPartitionRetriesUntilTheDeadlineThenReportsItsFirstRecord() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        MskEventBuilder events = new MskEventBuilder();
        for (int p = 0; p < 3; p++) {
            for (long o = 0; o < 10; o++) {
                events.add(p, 500 + o, "S" + p, MskEventBuilder.tick("S" + p, 500 + o));
            }
        }

        long start = System.nanoTime();
        BatchResponse response = consumer(URI.create("http://127.0.0.1:" + closedPort + "/graphql"), sqs.endpoint())
                .consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofSeconds(1)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(List.of(failure(0, 500), failure(1, 500), failure(2, 500)), response.batchItemFailures());
        // Not 4 attempts (3 backoffs) per partition as before: attempts until the deadline.
        assertTrue(backoffs.size() > 3 * 10, "backoffs: " + backoffs.size());
        assertTrue(took.compareTo(Duration.ofMillis(900)) > 0 && took.compareTo(Duration.ofMillis(1800)) < 0,
                "used the time it had, and no more: " + took);
    }

    @Test
    void persistentServerErrorsStopThePartitionAtTheFirstUndeliveredRecord() {
        appSync.server.stubFor(post("/graphql").inScenario("dies").whenScenarioStateIs(STARTED)
                .willReturn(LocalAppSync.echo()).willSetStateTo("dead"));
        appSync.server.stubFor(post("/graphql").inScenario("dies").whenScenarioStateIs("dead")
                .willReturn(status(500)));
        MskEventBuilder events = new MskEventBuilder();
        for (long o = 0; o < 60; o++) {
            events.add(0, o, cycledSymbol(0, o), MskEventBuilder.tick(cycledSymbol(0, o), o));
        }

        // Time for the first request on a busy machine (700 ms was not, with two modules testing at once).
        BatchResponse response = consumer().consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofSeconds(2)));

        assertEquals(List.of(failure(0, 25)), response.batchItemFailures());
        assertEquals(range(0, 25), broadcastOrder());
        // The second request was tried until the deadline (far more than 4 times), the third never sent.
        assertTrue(appSync.server.getAllServeEvents().size() > 1 + 10, "requests: " + appSync.server.getAllServeEvents().size());
        assertEquals(25, appSync.delivered.stream().mapToInt(b -> LocalAppSync.ticks(b).size()).sum());
    }

    @Test
    void aTickTheResolverRejectsIsParkedAndTheRestAreDelivered() {
        appSync.rejectSymbols.add("BAD");
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "AMZN", MskEventBuilder.tick("AMZN", 0))
                .add(0, 1, "BAD", MskEventBuilder.tick("BAD", 1))
                .add(0, 2, "AMZN", MskEventBuilder.tick("AMZN", 2));

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(List.of(0L, 2L), volumes(appSync.ticksBySymbol().get("AMZN")));
        assertEquals(1, sqs.messages.size());
        JsonNode parked = sqs.messages.get(0);
        assertEquals("REJECTED_BY_API", parked.get("reason").asText());
        assertTrue(parked.get("detail").asText().contains("InvalidTick"), parked.toString());
        assertEquals(1, parked.get("offset").asLong());
    }

    @Test
    void aPerFieldErrorOtherThanInvalidTickIsRetriedNotParked() {
        appSync.rejectSymbols.add("AMZN");
        appSync.rejectErrorType = "Unauthorized";
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "AMZN", MskEventBuilder.tick("AMZN", 0))
                .add(0, 1, "AMZN", MskEventBuilder.tick("AMZN", 1));

        BatchResponse response = consumer().consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofMillis(500)));

        assertEquals(List.of(failure(0, 0)), response.batchItemFailures());
        assertEquals(List.of(), sqs.messages);
        assertTrue(appSync.server.getAllServeEvents().size() > 2, "the tick was retried alone");
    }

    @Test
    void poisonRecordsAreLoggedWithTheirReasonAndCountedInAMetric() throws Exception {
        // Log events through a log4j appender; Powertools writes the EMF metrics line to stdout.
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream emf = new java.io.ByteArrayOutputStream();
        try (LogCapture logs = LogCapture.attach()) {
            System.setOut(new java.io.PrintStream(emf, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                consume(consumer(), new MskEventBuilder()
                        .add(0, 0, "AMZN", "not json")
                        .add(0, 1, "AMZN", MskEventBuilder.tick("AMZN", 1))
                        .add(1, 0, "MSFT", MskEventBuilder.tick("msft", 0)));
            } finally {
                System.setOut(stdout);
            }
            assertEquals(List.of("ticks-0@0 NOT_JSON", "ticks-1@0 BAD_SYMBOL"), logs.structured().stream()
                    .filter(l -> "poison record".equals(l.get("message")))
                    .map(l -> l.get("topic") + "-" + l.get("partition") + "@" + l.get("offset") + " " + l.get("reason"))
                    .sorted().toList());
            // Never a record value, nor a fragment of one (the validator's detail quotes the value).
            logs.assertNoneContains("not json");
            logs.assertNoneContains("\"not\"");
            logs.assertNoneContains("'not'");
            logs.assertNoneContains("msft");
            logs.assertNoneContains("AKIDEXAMPLE");
            logs.assertNoneContains("eyJ");
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : emf.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")) {
                lines.add(JSON.readTree(line));
            }
        }
        JsonNode metrics = lines.stream().filter(l -> l.has("_aws")).findFirst().orElseThrow(
                () -> new AssertionError("no EMF line on stdout: " + emf));
        assertEquals(2, metrics.get("PoisonRecords").asInt());
        assertEquals(1, metrics.get("RecordsDelivered").asInt());
        assertEquals(0, metrics.get("PartitionsFailed").asInt());
        assertEquals("RealtimeRefarch", metrics.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
    }

    @Test
    void everyOperationTheConsumerCanSendFitsTheSchema() {
        for (int count = 1; count <= 100; count++) {
            AppSyncSchema.assertValid(dev.refarch.realtime.appsync.BackendMutations.PUBLISH_TICK.operation(count));
        }
    }

    @Test
    void aMessageTheFailureQueueRefusesStopsThePartitionThereAndNothingAfterItIsParkedOrPublished() {
        sqs.refuseOffsets.add(3L);
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 1, "AMZN", "bad 1")
                .add(0, 2, "AMZN", MskEventBuilder.tick("AMZN", 2))
                .add(0, 3, "AMZN", "bad 3")
                .add(0, 4, "AMZN", MskEventBuilder.tick("AMZN", 4))
                .add(0, 5, "AMZN", "bad 5");

        // Refused on every attempt: sent again until the time is short, then reported.
        BatchResponse response = consumer().consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofSeconds(1)));

        assertEquals(List.of(failure(0, 3)), response.batchItemFailures());
        assertEquals(List.of(2L), volumes(appSync.ticksBySymbol().get("AMZN")));
        // 5 is parked only when the retry from 3 reaches it, so never twice.
        assertEquals(List.of(1L), sqs.messages.stream().map(m -> m.get("offset").asLong()).sorted().toList());
    }

    /**
     * Consumes {@code events} as Lambda would: while a partition is reported, its records from the
     * reported offset on are delivered again, at most {@code rounds} times.
     */
    private BatchResponse consumeWithRedelivery(MskEventBuilder events, List<long[]> records, int rounds) {
        TickConsumer consumer = consumer();
        BatchResponse response = consume(consumer, events);
        for (int round = 1; round < rounds && !response.batchItemFailures().isEmpty(); round++) {
            MskEventBuilder again = new MskEventBuilder();
            for (BatchItemFailure failed : response.batchItemFailures()) {
                int partition = Integer.parseInt(failed.itemIdentifier().partition().replace(MskEventBuilder.TOPIC + "-", ""));
                for (long[] r : records) {
                    if (r[0] == partition && r[1] >= failed.itemIdentifier().offset()) {
                        again.add(partition, r[1], "AMZN", "bad " + r[1]);
                    }
                }
            }
            response = consume(consumer, again);
        }
        return response;
    }

    /** Three poison records at offsets 0-2 of one partition, consumed with Lambda's redelivery. */
    private BatchResponse consumeThreePoisonRecordsWithRedelivery() {
        List<long[]> records = List.of(new long[] {0, 0}, new long[] {0, 1}, new long[] {0, 2});
        MskEventBuilder events = new MskEventBuilder();
        records.forEach(r -> events.add((int) r[0], r[1], "AMZN", "bad " + r[1]));
        return consumeWithRedelivery(events, records, 3);
    }

    private List<Long> parkedOffsets() {
        return sqs.messages.stream().map(m -> m.get("offset").asLong()).sorted().toList();
    }

    @Test
    void whenSqsRefusesOneMessageOfABatchOnlyThatOneIsSentAgainAndEveryPoisonRecordIsParkedOnce() {
        // SQS stores 0 and 2 and refuses 1 (not the sender's fault) in one SendMessageBatch answer.
        sqs.refuseOnceOffsets.add(1L);
        BatchResponse response = consumeThreePoisonRecordsWithRedelivery();

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(List.of(0L, 1L, 2L), parkedOffsets(), "each poison record parked once");
        assertEquals(2, sqs.targets.size(), "the batch, then the refused message alone: " + sqs.targets);
    }

    @Test
    void aMessageSqsRefusesAsTheSendersFaultIsParkedWithoutTheRecordsContentAndOnce() {
        sqs.refuseValueOffsets.add(1L);
        BatchResponse response = consumeThreePoisonRecordsWithRedelivery();

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(List.of(0L, 1L, 2L), parkedOffsets(), "each poison record parked once");
        JsonNode reduced = sqs.messages.stream().filter(m -> m.get("offset").asLong() == 1).findFirst().orElseThrow();
        assertEquals("NOT_JSON", reduced.get("reason").asText());
        assertTrue(reduced.get("contentOmitted").asText().contains("InvalidMessageContents"), reduced.toString());
        assertTrue(!reduced.has("value") && !reduced.has("detail"), reduced.toString());
    }

    @Test
    void withNoTimeLeftNothingIsPublishedAndEachPartitionIsReportedFromItsFirstRecord() {
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 7, "AMZN", MskEventBuilder.tick("AMZN", 7))
                .add(3, 9, "MSFT", MskEventBuilder.tick("MSFT", 9));

        BatchResponse response = consumer().consume(events.parsed(), () -> Duration.ofMillis(-1));

        assertEquals(List.of(failure(0, 7), failure(3, 9)), response.batchItemFailures());
        assertEquals(List.of(), appSync.delivered);
    }

    @Test
    void whenTheFailureQueueIsDownThePoisonRecordIsReportedAndNothingAfterItIsPublished() {
        TickConsumer consumer = consumer();
        sqs.server.stop();
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "AMZN", MskEventBuilder.tick("AMZN", 0))
                .add(0, 1, "AMZN", "not json")
                .add(0, 2, "AMZN", MskEventBuilder.tick("AMZN", 2))
                .add(1, 7, "MSFT", MskEventBuilder.tick("MSFT", 7));

        BatchResponse response = consume(consumer, events);

        assertEquals(List.of(failure(0, 1)), response.batchItemFailures());
        assertEquals(List.of(0L), volumes(appSync.ticksBySymbol().get("AMZN")));
        assertEquals(List.of(7L), volumes(appSync.ticksBySymbol().get("MSFT")));
    }

    private static List<Long> broadcastVolumes(LocalAppSync appSync, String symbol) {
        return volumes(appSync.broadcastBySymbol().getOrDefault(symbol, List.of()));
    }

    @Test
    void aTransientErrorOnOneAliasIsRetriedForThatTickAloneBeforeThePartitionMovesOn() {
        appSync.transientFailures.put("MSFT", new java.util.concurrent.atomic.AtomicInteger(2));
        MskEventBuilder events = new MskEventBuilder();
        for (long o = 0; o < 30; o++) {
            String symbol = o == 12 ? "MSFT" : cycledSymbol(0, o);
            events.add(0, o, symbol, MskEventBuilder.tick(symbol, o));
        }

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        // 0..24 in one request (AppSync ran every alias: 13..24 went out while 12 failed), then 12
        // alone until it passed (failed once more), and only then 25..29: nothing sent twice.
        assertEquals(List.of(25, 1, 1, 5), appSync.delivered.stream().map(b -> LocalAppSync.ticks(b).size()).toList());
        assertEquals(List.of(12L), broadcastVolumes(appSync, "MSFT"));
        List<Long> others = new ArrayList<>(range(0, 12));
        others.addAll(range(13, 30));
        assertEquals(others, broadcastOrder().stream().filter(v -> v != 12L).toList());
        List<Long> order = broadcastOrder();
        assertTrue(order.indexOf(12L) < order.indexOf(25L), "12 delivered before the partition moved on: " + order);
        assertEquals(List.of(), sqs.messages);
    }

    /**
     * AppSync runs every alias of a request: had ticks 13..24 of AMZN been in tick 12's request,
     * they would be stored while 12 timed out, and 12 sent again would be StaleTick, counted as
     * delivered and never broadcast. Chained, the AMZN ticks after 12 in its request are refused
     * (PredecessorNotStored) and sent again once 12 is stored.
     */
    @Test
    void aTickWhoseAliasTimesOutReachesSubscribersInOrderWhenLaterTicksOfItsSymbolFollow() {
        appSync.fenceSequences = true;
        appSync.timeOutOnce.add(12L);
        MskEventBuilder events = new MskEventBuilder();
        // AMZN at even offsets, MSFT at odd ones.
        List<Long> amzn = new ArrayList<>();
        List<Long> msft = new ArrayList<>();
        for (long o = 0; o < 60; o++) {
            String symbol = o % 2 == 0 ? "AMZN" : "MSFT";
            events.add(0, o, symbol, MskEventBuilder.tick(symbol, o));
            (o % 2 == 0 ? amzn : msft).add(o);
        }

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(amzn, broadcastVolumes(appSync, "AMZN"), "every AMZN tick once, in order");
        assertEquals(msft, broadcastVolumes(appSync, "MSFT"));
        assertEquals(59L, appSync.storedSequence.get("AMZN"));
        for (JsonNode body : appSync.delivered) {
            LocalAppSync.assertChained(body);
        }
        assertEquals(List.of(), sqs.messages);
    }

    /** Three symbols in turn: 75 ticks, 25 of each, sequence = offset + 1, volume = offset. */
    private static MskEventBuilder threeSymbols(Map<String, List<Long>> expected) {
        MskEventBuilder events = new MskEventBuilder();
        String[] symbols = {"AMZN", "MSFT", "GOOG"};
        for (long o = 0; o < 75; o++) {
            String symbol = symbols[(int) (o % 3)];
            events.add(0, o, symbol, MskEventBuilder.tick(symbol, o));
            expected.computeIfAbsent(symbol, s -> new ArrayList<>()).add(o);
        }
        return events;
    }

    /**
     * Several ticks of a symbol per request again, chained: a tick whose alias fails (a timeout,
     * then a throttle) mid-request still reaches subscribers once and before the later ticks of
     * its symbol, whether AppSync runs the aliases in order (as the GraphQL spec says and the
     * simulator does), last first, or shuffled (AppSync documents no order).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(LocalAppSync.ExecutionOrder.class)
    void aTickWhoseAliasFailsMidRequestReachesSubscribersOnceAndInOrderWhateverOrderTheAliasesRunIn(
            LocalAppSync.ExecutionOrder order) {
        appSync.fenceSequences = true;
        appSync.executionOrder = order;
        appSync.timeOutOnce.add(12L);
        appSync.transientFailures.put("MSFT", new java.util.concurrent.atomic.AtomicInteger(1));
        Map<String, List<Long>> expected = new java.util.LinkedHashMap<>();
        MskEventBuilder events = threeSymbols(expected);

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        for (Map.Entry<String, List<Long>> symbol : expected.entrySet()) {
            assertEquals(symbol.getValue(), broadcastVolumes(appSync, symbol.getKey()),
                    symbol.getKey() + ": every tick once, in order");
        }
        for (JsonNode body : appSync.delivered) {
            LocalAppSync.assertChained(body);
        }
        if (order == LocalAppSync.ExecutionOrder.SERIAL) {
            // 3 requests of 25, the failed MSFT tick alone, the ticks chained behind each failed
            // one sent again in one request each: not one request per tick of a symbol.
            assertTrue(appSync.delivered.size() <= 7, appSync.delivered.size() + " requests");
        }
        assertEquals(List.of(), sqs.messages);
    }

    /**
     * Lambda may deliver a batch again that was delivered already: the first tick of each symbol
     * in a request is StaleTick, so its chained successors' PredecessorNotStored means stale too,
     * with no request more than the first delivery took, whatever the execution order.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(LocalAppSync.ExecutionOrder.class)
    void aRedeliveredBatchThatWasDeliveredCostsNoExtraRequestAndBroadcastsNothing(LocalAppSync.ExecutionOrder order) {
        appSync.fenceSequences = true;
        Map<String, List<Long>> expected = new java.util.LinkedHashMap<>();
        MskEventBuilder events = threeSymbols(expected);
        TickConsumer consumer = consumer();
        assertEquals(List.of(), consume(consumer, events).batchItemFailures());
        int firstDelivery = appSync.delivered.size();
        int broadcast = appSync.broadcast.size();
        assertEquals(3, firstDelivery, "75 ticks of 3 symbols, 25 per request");

        appSync.executionOrder = order;
        BatchResponse again = consume(consumer, events);

        assertEquals(List.of(), again.batchItemFailures());
        assertEquals(2 * firstDelivery, appSync.delivered.size(), "requests of the redelivery");
        assertEquals(broadcast, appSync.broadcast.size(), "nothing broadcast twice");
        assertTrue(appSync.predecessorNotStored.get() >= 66, "chained ticks answered: " + appSync.predecessorNotStored);
        assertEquals(List.of(), sqs.messages);
    }

    /**
     * A stale predecessor does not make its successor stale when the stored tick lies between
     * them (sequences need not rise with offsets): 11 is stored, then 10 (StaleTick) and 12
     * chained to it go in one request, and 12 is stored, as its sequence is above the stored one.
     */
    @Test
    void aTickAboveTheStoredOneIsDeliveredWhenItsPredecessorInTheRequestIsStaleBelowTheStoredOne() {
        appSync.fenceSequences = true;
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "AMZN", MskEventBuilder.tick("AMZN", 10))
                .add(0, 1, "AMZN", MskEventBuilder.tick("AMZN", 9))
                .add(0, 2, "AMZN", MskEventBuilder.tick("AMZN", 11));

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(List.of(10L, 11L), broadcastVolumes(appSync, "AMZN"));
        assertEquals(12L, appSync.storedSequence.get("AMZN"));
        assertEquals(2, appSync.delivered.size(), "11 alone (9 is not above it), then 9 and 11 chained");
        LocalAppSync.assertChained(appSync.delivered.get(1));
        assertEquals(2, LocalAppSync.ticks(appSync.delivered.get(1)).size());
    }

    @Test
    void aTransientAliasErrorThatOutlastsTheInvocationReportsThatTickAndSendsNothingAfterIt() {
        appSync.transientFailures.put("MSFT", new java.util.concurrent.atomic.AtomicInteger(Integer.MAX_VALUE));
        MskEventBuilder events = new MskEventBuilder();
        for (long o = 0; o < 30; o++) {
            String symbol = o == 12 ? "MSFT" : cycledSymbol(0, o);
            events.add(0, o, symbol, MskEventBuilder.tick(symbol, o));
        }

        BatchResponse response = consumer().consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofMillis(600)));

        assertEquals(List.of(failure(0, 12)), response.batchItemFailures());
        List<Integer> sizes = appSync.delivered.stream().map(b -> LocalAppSync.ticks(b).size()).toList();
        assertEquals(25, sizes.get(0));
        assertTrue(sizes.size() > 2 && sizes.subList(1, sizes.size()).stream().allMatch(n -> n == 1),
                "only the failed tick was retried: " + sizes);
        assertEquals(List.of(), broadcastVolumes(appSync, "MSFT"));
        assertTrue(broadcastOrder().stream().allMatch(v -> v < 25), "25..29 never sent");
    }

    @Test
    void aValidationErrorOnOneTicksVariableParksThatTickAndTheOthersAreSentAgain() {
        appSync.invalidVariableSymbols.add("BADV");
        MskEventBuilder events = new MskEventBuilder();
        for (long o = 0; o < 5; o++) {
            String symbol = o == 2 ? "BADV" : cycledSymbol(0, o);
            events.add(0, o, symbol, MskEventBuilder.tick(symbol, o));
        }

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(List.of(0L, 1L, 3L, 4L), broadcastOrder());
        assertEquals(1, sqs.messages.size());
        JsonNode parked = sqs.messages.get(0);
        assertEquals(2, parked.get("offset").asLong());
        assertEquals("REJECTED_BY_API", parked.get("reason").asText());
        assertTrue(parked.get("detail").asText().contains("Variable 'tick2'"), parked.toString());
    }

    @Test
    void aValidationErrorOnEveryTickOfARequestParksNothingAndStopsThePartition() {
        // Every variable refused: the request does not fit the deployed schema, not one bad tick.
        appSync.invalidVariableSymbols.add("BADV");
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "BADV", MskEventBuilder.tick("BADV", 0))
                .add(0, 1, "BADV", MskEventBuilder.tick("BADV", 1));

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(failure(0, 0)), response.batchItemFailures());
        assertEquals(List.of(), sqs.messages);
    }

    @Test
    void aStaleTickAnswerCountsAsDeliveredAndThePartitionGoesOn() {
        appSync.rejectSymbols.add("OLD");
        appSync.rejectErrorType = "StaleTick";
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "OLD", MskEventBuilder.tick("OLD", 0))
                .add(0, 1, "AMZN", MskEventBuilder.tick("AMZN", 1));

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(List.of(1L), broadcastVolumes(appSync, "AMZN"));
        assertEquals(List.of(), sqs.messages, "a stale tick is not poison");
        assertEquals(1, appSync.delivered.size(), "and not retried");
    }

    @Test
    void aRecordRepeatedWithinOneEventIsDeliveredOnce() {
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "AMZN", MskEventBuilder.tick("AMZN", 0))
                .add(0, 1, "AMZN", MskEventBuilder.tick("AMZN", 1))
                .add(0, 1, "AMZN", MskEventBuilder.tick("AMZN", 1))
                .add(0, 2, "AMZN", MskEventBuilder.tick("AMZN", 2))
                .add(0, 2, "AMZN", MskEventBuilder.tick("AMZN", 2))
                .add(0, 2, "AMZN", "not json")
                .add(1, 5, "MSFT", "not json")
                .add(1, 5, "MSFT", "not json");

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(List.of(0L, 1L, 2L), broadcastVolumes(appSync, "AMZN"));
        assertEquals(List.of(5L), sqs.messages.stream().map(m -> m.get("offset").asLong()).toList());
    }

    @Test
    void poisonIsParkedOnlyWhenItsPartitionReachesItSoARetriedBatchParksEachRecordOnce() {
        appSync.outageFor(Duration.ofMinutes(5));
        MskEventBuilder first = new MskEventBuilder()
                .add(0, 0, "AMZN", "bad 0")
                .add(0, 1, "AMZN", MskEventBuilder.tick("AMZN", 1))
                .add(0, 2, "AMZN", "bad 2")
                .add(0, 3, "AMZN", MskEventBuilder.tick("AMZN", 3));
        TickConsumer consumer = consumer();

        BatchResponse during = consumer.consume(first.parsed(), TestConsumers.deadlineIn(Duration.ofMillis(400)));

        assertEquals(List.of(failure(0, 1)), during.batchItemFailures());
        assertEquals(List.of(0L), sqs.messages.stream().map(m -> m.get("offset").asLong()).toList(),
                "0 parked, 2 not reached");

        // Lambda retries from the reported offset, once AppSync is back.
        appSync.outageFor(Duration.ZERO);
        MskEventBuilder retry = new MskEventBuilder()
                .add(0, 1, "AMZN", MskEventBuilder.tick("AMZN", 1))
                .add(0, 2, "AMZN", "bad 2")
                .add(0, 3, "AMZN", MskEventBuilder.tick("AMZN", 3));
        BatchResponse after = consumer.consume(retry.parsed(), TestConsumers.deadlineIn(Duration.ofSeconds(5)));

        assertEquals(List.of(), after.batchItemFailures());
        assertEquals(List.of(0L, 2L), sqs.messages.stream().map(m -> m.get("offset").asLong()).toList());
        assertEquals(List.of(1L, 3L), broadcastVolumes(appSync, "AMZN"));
    }

    @Test
    void aSlowFailureQueueIsCutOffAtTheDeadlineAndThePoisonRecordIsReported() {
        // Every SQS answer takes 10 s; the invocation has 1.5 s left.
        sqs.delayMillis = 10_000;
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "AMZN", MskEventBuilder.tick("AMZN", 0))
                .add(0, 1, "AMZN", "not json")
                .add(0, 2, "AMZN", MskEventBuilder.tick("AMZN", 2))
                .add(1, 7, "MSFT", MskEventBuilder.tick("MSFT", 7));

        long start = System.nanoTime();
        BatchResponse response = consumer().consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofMillis(1500)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(List.of(failure(0, 1)), response.batchItemFailures());
        assertTrue(took.compareTo(Duration.ofMillis(1500).plus(TickConsumer.STRAGGLER_WAIT)) < 0,
                "returned within the time left: " + took);
        assertEquals(List.of(0L), broadcastVolumes(appSync, "AMZN"));
        assertEquals(List.of(7L), broadcastVolumes(appSync, "MSFT"));
    }

    @Test
    void aPartitionTaskStillRunningAtTheDeadlineIsReportedFromWhereItGotTo() {
        // A failure queue that ignores the time it is given (a bug): the invocation must not wait for it.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        FailureQueue stuck = (records, timeLeft) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return records;
        };
        // Four partitions (the pool's size) stuck at once: all are cut off at the same deadline.
        MskEventBuilder events = new MskEventBuilder();
        for (int p = 0; p < 4; p++) {
            events.add(p, 0, "S" + p, MskEventBuilder.tick("S" + p, 0))
                    .add(p, 1, "S" + p, MskEventBuilder.tick("S" + p, 1))
                    .add(p, 2, "S" + p, "not json")
                    .add(p, 3, "S" + p, MskEventBuilder.tick("S" + p, 3));
        }
        try {
            long start = System.nanoTime();
            BatchResponse response = consumer(appSync.endpoint(), stuck)
                    .consume(events.parsed(), TestConsumers.deadlineIn(Duration.ofMillis(800)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertEquals(List.of(failure(0, 2), failure(1, 2), failure(2, 2), failure(3, 2)), response.batchItemFailures());
            assertTrue(took.compareTo(Duration.ofMillis(800).plus(TickConsumer.STRAGGLER_WAIT).plusMillis(200)) < 0,
                    "waited for the tasks no longer than the time left plus the straggler wait: " + took);
            for (int p = 0; p < 4; p++) {
                assertEquals(List.of(0L, 1L), broadcastVolumes(appSync, "S" + p));
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void aPartitionTaskThatThrowsMidPartitionIsReportedFromItsFirstUnsettledRecord() {
        // A failure queue that throws (a bug: its contract is to return what it did not store).
        FailureQueue throwing = (records, timeLeft) -> {
            throw new IllegalStateException("bug in the failure queue");
        };
        appSync.rejectSymbols.add("BAD");
        // Partition 0: 0 delivered, 1 rejected by the API (its parking throws), 2 and 3 (chained to
        // 0) delivered in the same request but not yet settled, 4 (a lower sequence than 3: the
        // next request) never sent; partition 1 is not affected.
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "AMZN", MskEventBuilder.tick("AMZN", 0))
                .add(0, 1, "BAD", MskEventBuilder.tick("BAD", 1))
                .add(0, 2, "MSFT", MskEventBuilder.tick("MSFT", 2))
                .add(0, 3, "AMZN", MskEventBuilder.tick("AMZN", 3))
                .add(0, 4, "AMZN", MskEventBuilder.tick("AMZN", 1))
                .add(1, 7, "NVDA", MskEventBuilder.tick("NVDA", 7));

        BatchResponse response = consumer(appSync.endpoint(), throwing).consume(events.parsed(),
                TestConsumers.deadlineIn(Duration.ofSeconds(5)));

        assertEquals(List.of(failure(0, 1)), response.batchItemFailures());
        assertEquals(List.of(0L, 3L), broadcastVolumes(appSync, "AMZN"), "nothing after the throw was sent");
        assertEquals(1, appSync.delivered.stream().filter(b -> b.toString().contains("AMZN")).count());
        assertEquals(List.of(7L), broadcastVolumes(appSync, "NVDA"));
    }

    @Test
    void productionTimeoutsEndBeforeTheHandlersResponseMargin() {
        ConsumerConfig config = ConsumerConfig.fromEnv(Map.of("GRAPHQL_URL", "https://x.appsync-api.eu-west-1.amazonaws.com/graphql",
                "FAILURE_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/1/q", "AWS_REGION", "eu-west-1"));
        AppSyncClientConfig appSyncConfig = TickConsumer.appSyncConfig(config);

        assertTrue(appSyncConfig.retriesUntilDeadline(), "attempts bounded by the deadline, not a count");
        assertEquals(Duration.ofSeconds(5), appSyncConfig.maxDelay());
        // A connect started just before the deadline still ends inside the margin, after the straggler wait.
        assertTrue(appSyncConfig.connectTimeout().plus(TickConsumer.STRAGGLER_WAIT)
                .compareTo(TickConsumerHandler.DEADLINE_MARGIN) < 0, appSyncConfig.connectTimeout().toString());
    }

    /**
     * The producer's previousSequence reaches publishTick as it came; a record without one (an older
     * producer's) is still delivered, its variable without the field.
     */
    @Test
    void previousSequenceIsPassedThroughAndARecordWithoutOneIsStillDelivered() {
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "AMZN", MskEventBuilder.tick("AMZN", 0))
                .add(0, 1, "AMZN", MskEventBuilder.tick("AMZN", 1, 1))
                .add(0, 2, "AMZN", MskEventBuilder.tick("AMZN", 5, 3))
                .add(0, 3, "AMZN", MskEventBuilder.tick("AMZN", 6).replace("}", ",\"previousSequence\":null}"));

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(List.of(), sqs.messages);
        List<JsonNode> sent = appSync.delivered.stream().flatMap(body -> LocalAppSync.ticks(body).stream()).toList();
        assertEquals(List.of(1L, 2L, 6L, 7L), sent.stream().map(t -> t.get("sequence").asLong()).toList());
        assertEquals(false, sent.get(0).has("previousSequence"), sent.get(0).toString());
        assertEquals(1L, sent.get(1).get("previousSequence").asLong());
        assertEquals(3L, sent.get(2).get("previousSequence").asLong(), "the producer's, not the batch's previous");
        assertEquals(false, sent.get(3).has("previousSequence"), sent.get(3).toString());
        for (JsonNode body : appSync.delivered) {
            AppSyncSchema.assertValid(body.get("query").asText());
            assertTrue(body.get("query").asText().contains("previousSequence"), "selected for subscribers");
        }
    }

    @Test
    void aPreviousSequenceNotBelowTheSequenceIsParkedAndTheRestDelivered() {
        MskEventBuilder events = new MskEventBuilder()
                .add(0, 0, "AMZN", MskEventBuilder.tick("AMZN", 0))
                .add(0, 1, "AMZN", MskEventBuilder.tick("AMZN", 1, 2))
                .add(0, 2, "AMZN", MskEventBuilder.tick("AMZN", 2, 2));

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(List.of("OUT_OF_RANGE"), sqs.messages.stream().map(m -> m.get("reason").asText()).toList());
        assertEquals(1, sqs.messages.get(0).get("offset").asLong());
        assertEquals(List.of(1L, 3L), appSync.broadcast.stream().map(t -> t.get("sequence").asLong()).toList());
    }

    @Test
    void sequenceMustBeAJsonIntegerFromOneToBelowTwoPow53() {
        MskEventBuilder events = new MskEventBuilder();
        String[] sequences = {"0", "-3", "9007199254740992", "1.5", "\"7\"", "null"};
        for (int i = 0; i < sequences.length; i++) {
            events.add(0, i, "AMZN", MskEventBuilder.tick("AMZN", i).replaceAll("\"sequence\":\\d+", "\"sequence\":" + sequences[i]));
        }
        events.add(0, 6, "AMZN", MskEventBuilder.tick("AMZN", 6).replaceAll("\"sequence\":\\d+", "\"sequence\":9007199254740991"));

        BatchResponse response = consume(consumer(), events);

        assertEquals(List.of(), response.batchItemFailures());
        assertEquals(List.of("OUT_OF_RANGE", "OUT_OF_RANGE", "OUT_OF_RANGE", "WRONG_TYPE", "WRONG_TYPE", "MISSING_FIELD"),
                sqs.messages.stream().sorted(java.util.Comparator.comparingLong(m -> m.get("offset").asLong()))
                        .map(m -> m.get("reason").asText()).toList());
        assertEquals(9007199254740991L, appSync.broadcast.get(0).get("sequence").asLong());
    }
}
