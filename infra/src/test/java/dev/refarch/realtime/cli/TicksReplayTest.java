package dev.refarch.realtime.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.refarch.realtime.cli.CloudFormationStub.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code ticks replay} against a real S3 API (S3Mock) holding invocation records in the format
 * Lambda writes to an S3 on-failure destination for a Kafka event source mapping
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html, "S3 destination example
 * invocation record": metadata plus {@code payload}, the original event as an escaped JSON
 * string), and WireMock as AppSync with the resolver's sequence fence.
 */
class TicksReplayTest {

    private static final String BUCKET = "realtime-dev-tick-failures";
    private static final String TOPIC = "ticks";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalS3 s3Server;
    private static S3Client s3;
    private FencedAppSync appSync;

    @BeforeAll
    static void startS3() {
        s3Server = LocalS3.start();
        s3 = s3Server.client();
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
        if (s3Server != null) {
            s3Server.close();
        }
    }

    @BeforeEach
    void freshBucketAndAppSync() {
        if (s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(BUCKET))) {
            for (S3Object object : s3.listObjectsV2Paginator(l -> l.bucket(BUCKET)).contents()) {
                s3.deleteObject(d -> d.bucket(BUCKET).key(object.key()));
            }
        } else {
            s3.createBucket(c -> c.bucket(BUCKET));
        }
        appSync = new FencedAppSync();
    }

    @AfterEach
    void stopAppSync() {
        appSync.close();
    }

    /** A record whose value is a tick of {@code symbol} with {@code sequence}. */
    private static ObjectNode record(int partition, long offset, String symbol, long sequence) {
        String value = String.format(Locale.ROOT, "{\"symbol\":\"%s\",\"price\":%d.5,\"open\":100.0,\"high\":300.0,"
                + "\"low\":99.0,\"volume\":%d,\"timestamp\":\"2026-01-05T14:30:00Z\",\"sequence\":%d}",
                symbol, 100 + offset, offset, sequence);
        return rawRecord(partition, offset, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static ObjectNode rawRecord(int partition, long offset, String base64Value) {
        ObjectNode record = JSON.createObjectNode();
        record.put("topic", TOPIC).put("partition", partition).put("offset", offset)
                .put("timestamp", 1_767_623_400_000L + offset).put("timestampType", "CREATE_TIME")
                .put("key", Base64.getEncoder().encodeToString("K".getBytes(StandardCharsets.UTF_8)));
        record.put("value", base64Value);
        record.putArray("headers");
        return record;
    }

    /** An invocation record as Lambda writes it to S3: the event goes in {@code payload} as a JSON string. */
    private static String invocationRecord(String timestamp, List<ObjectNode> records) {
        ObjectNode event = JSON.createObjectNode();
        event.put("eventSource", "aws:kafka");
        event.put("eventSourceArn", "arn:aws:kafka:eu-west-1:123456789012:cluster/realtime/abc-1");
        event.put("bootstrapServers", "b-1.realtime.abc.kafka.eu-west-1.amazonaws.com:9096");
        ObjectNode byPartition = event.putObject("records");
        ObjectNode info = JSON.createObjectNode();
        for (ObjectNode record : records) {
            String key = TOPIC + "-" + record.get("partition").asInt();
            (byPartition.has(key) ? (ArrayNode) byPartition.get(key) : byPartition.putArray(key)).add(record);
            ObjectNode partitionInfo = info.has(key) ? (ObjectNode) info.get(key) : info.putObject(key)
                    .put("firstRecordOffset", record.get("offset").asText())
                    .put("firstRecordTimestamp", timestamp);
            partitionInfo.put("lastRecordOffset", record.get("offset").asText()).put("lastRecordTimestamp", timestamp);
        }
        ObjectNode root = JSON.createObjectNode();
        root.putObject("requestContext").put("requestId", "316aa6d0-8154-xmpl-9af7-85d5f4a6bc81")
                .put("functionArn", "arn:aws:lambda:eu-west-1:123456789012:function:consumer")
                .put("condition", "RetryAttemptsExhausted").put("approximateInvokeCount", 11);
        root.putObject("responseContext").put("statusCode", 200).put("executedVersion", "1")
                .putNull("functionError");
        root.put("version", "1.0");
        root.put("timestamp", timestamp);
        ObjectNode batch = root.putObject("KafkaBatchInfo");
        batch.put("batchSize", records.size()).put("eventSourceArn", event.get("eventSourceArn").asText())
                .put("bootstrapServers", event.get("bootstrapServers").asText()).put("payloadSize", 2048);
        batch.set("recordsInfo", info);
        root.put("payload", event.toString());
        return root.toString();
    }

    private static void put(String key, String body) {
        s3.putObject(p -> p.bucket(BUCKET).key(key), RequestBody.fromString(body));
    }

    private static List<String> keys() {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(l -> l.bucket(BUCKET)).contents().forEach(o -> keys.add(o.key()));
        return keys.stream().sorted().toList();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run replay(String... extra) {
        List<String> args = new ArrayList<>(List.of("replay", "--bucket", BUCKET, "--graphql-url",
                appSync.endpoint().toString(), "--endpoint-url", s3Server.endpoint().toString()));
        args.addAll(List.of(extra));
        return run(new AwsClients(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                () -> Region.EU_WEST_1, null, null), args.toArray(String[]::new));
    }

    private static Run run(AwsClients aws, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new TicksCli(aws)).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Two failed batches, written newest first so S3's listing order is not time order. */
    private static void twoFailedBatches() {
        // The later batch: partition 0 from offset 4 (4 repeats the earlier batch's last record).
        put("aws/lambda/esm/ticks-0/2026/01/05/b.json", invocationRecord("2026-01-05T14:40:00.000Z", List.of(
                record(0, 4, "AMZN", 5), record(0, 5, "AMZN", 6), record(0, 6, "AMZN", 7))));
        put("aws/lambda/esm/ticks-0/2026/01/05/a.json", invocationRecord("2026-01-05T14:35:00.000Z", List.of(
                record(0, 0, "AMZN", 1), record(0, 1, "AMZN", 2), record(1, 0, "MSFT", 1),
                record(0, 2, "AMZN", 3), record(0, 3, "AMZN", 4), record(1, 1, "MSFT", 2), record(0, 4, "AMZN", 5))));
    }

    @Test
    void replaysOldestBatchFirstEachPartitionInOffsetOrderEachRecordOnceAndMovesObjectsUnderReplayed() {
        twoFailedBatches();

        Run run = replay();

        assertEquals(TicksCli.OK, run.exitCode(), run.out() + run.err());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), appSync.sequences("AMZN"));
        assertEquals(List.of(1L, 2L), appSync.sequences("MSFT"));
        assertTrue(run.out().contains("ticks-0@4 already replayed in this run, not sent again"), run.out());
        assertTrue(run.out().contains("ticks-0@0 AMZN sequence 1 published"), run.out());
        assertTrue(run.out().indexOf("a.json (2026-01-05T14:35:00Z") < run.out().indexOf("b.json (2026-01-05T14:40:00Z"),
                "oldest invocation first: " + run.out());
        assertTrue(run.out().contains("2 object(s): 9 published, 0 already delivered, 0 rejected, 0 invalid, 1 duplicate(s)"),
                run.out());
        assertEquals(List.of("replayed/aws/lambda/esm/ticks-0/2026/01/05/a.json",
                "replayed/aws/lambda/esm/ticks-0/2026/01/05/b.json"), keys());
    }

    @Test
    void dryRunPrintsWhatItWouldSendAndSendsOrMovesNothing() {
        twoFailedBatches();
        List<String> before = keys();

        Run run = replay("--dry-run");

        assertEquals(TicksCli.OK, run.exitCode(), run.out() + run.err());
        assertEquals(0, appSync.requests());
        assertEquals(before, keys());
        assertTrue(run.out().contains("ticks-1@1 would send MSFT sequence 2 price 101.5"), run.out());
        assertTrue(run.out().startsWith("dry run: replaying s3://" + BUCKET), run.out());
    }

    @Test
    void ticksAppSyncAlreadyHasCountAsDeliveredAndASecondRunFindsNothingToReplay() {
        twoFailedBatches();
        // The consumer had delivered the first two AMZN ticks before the batch was given up.
        appSync.highest.put("AMZN", 2L);

        Run first = replay();
        Run second = replay();

        assertEquals(TicksCli.OK, first.exitCode(), first.out() + first.err());
        assertTrue(first.out().contains("ticks-0@1 AMZN sequence 2 already delivered (StaleTick)"), first.out());
        assertTrue(first.out().contains("7 published, 2 already delivered"), first.out());
        assertEquals(TicksCli.OK, second.exitCode(), second.out() + second.err());
        assertTrue(second.out().contains("nothing to replay in s3://" + BUCKET), second.out());
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L), appSync.sequences("AMZN"));
    }

    @Test
    void whenAppSyncRefusesTheRunStopsWithItsExitCodeAndTheObjectStays() {
        twoFailedBatches();
        appSync.refuseAll = true;

        Run run = replay();

        assertEquals(TicksCli.NOT_DELIVERED, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("ticks-0@0 AMZN sequence 1 NOT delivered: NOT_RETRYABLE after 1 attempt(s), HTTP 403"),
                run.out());
        assertTrue(run.err().contains("a tick was not delivered"), run.err());
        assertEquals(2, keys().stream().filter(k -> !k.startsWith("replayed/")).count(), keys().toString());

        // Once AppSync takes ticks again, the next run replays everything, in order.
        appSync.refuseAll = false;
        assertEquals(TicksCli.OK, replay().exitCode());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), appSync.sequences("AMZN"));
    }

    @Test
    void aTickWhoseAliasTimedOutIsPublishedByTheNextRunEvenThoughLaterTicksOfItsSymbolFollowIt() {
        twoFailedBatches();
        // AMZN 3 times out once; had AMZN 4 and 5 been in its request, they would be stored and the
        // next run would find 3 stale.
        appSync.timeOutOnce.add("AMZN@3");

        Run first = replay();
        Run second = replay();

        assertEquals(TicksCli.NOT_DELIVERED, first.exitCode(), first.out() + first.err());
        assertTrue(first.out().contains("ticks-0@2 AMZN sequence 3 NOT delivered"), first.out());
        assertEquals(TicksCli.OK, second.exitCode(), second.out() + second.err());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), appSync.sequences("AMZN"));
        assertEquals(List.of(1L, 2L), appSync.sequences("MSFT"));
    }

    /** The page tells a missed tick by previousSequence: a replayed tick keeps the producer's. */
    @Test
    void aReplayedTickKeepsItsPreviousSequenceAndOneWithoutIsSentWithoutIt() {
        ObjectNode with = record(0, 1, "AMZN", 2);
        String value = new String(Base64.getDecoder().decode(with.get("value").asText()), StandardCharsets.UTF_8);
        with.put("value", Base64.getEncoder().encodeToString(
                value.replace("}", ",\"previousSequence\":1}").getBytes(StandardCharsets.UTF_8)));
        ObjectNode notInteger = record(0, 2, "AMZN", 3);
        notInteger.put("value", Base64.getEncoder().encodeToString(new String(Base64.getDecoder().decode(
                notInteger.get("value").asText()), StandardCharsets.UTF_8).replace("}", ",\"previousSequence\":\"2\"}")
                .getBytes(StandardCharsets.UTF_8)));
        put("aws/lambda/esm/ticks-0/2026/01/05/a.json", invocationRecord("2026-01-05T14:35:00.000Z",
                List.of(record(0, 0, "AMZN", 1), with, notInteger)));

        Run run = replay();

        assertEquals(TicksCli.OK, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("ticks-0@2 not a valid tick (previousSequence not an integer), not sent"), run.out());
        assertEquals(List.of(1L, 2L), appSync.sequences("AMZN"));
        assertFalse(appSync.published.get(0).has("previousSequence"), appSync.published.get(0).toString());
        assertEquals(1L, appSync.published.get(1).get("previousSequence").asLong(), appSync.published.get(1).toString());
    }

    @Test
    void anObjectThatIsNotAnInvocationRecordIsLeftInPlaceAndReportedAfterTheOthersAreReplayed() {
        put("aws/lambda/esm/ticks-0/2026/01/05/a.json", invocationRecord("2026-01-05T14:35:00.000Z", List.of(
                record(0, 0, "AMZN", 1), rawRecord(0, 1, Base64.getEncoder().encodeToString("oops".getBytes(StandardCharsets.UTF_8))),
                record(0, 2, "AMZN", 3))));
        put("aws/lambda/esm/notes.txt", "hello");

        Run run = replay();

        assertEquals(TicksCli.UNREADABLE_OBJECT, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("skipped s3 object aws/lambda/esm/notes.txt: not JSON; left in place"), run.out());
        assertTrue(run.out().contains("ticks-0@1 not a valid tick (value is not base64 JSON), not sent"), run.out());
        assertEquals(List.of(1L, 3L), appSync.sequences("AMZN"));
        assertEquals(List.of("aws/lambda/esm/notes.txt", "replayed/aws/lambda/esm/ticks-0/2026/01/05/a.json"), keys());
    }

    @Test
    void stackOutputsNameTheBucketAndTheApiStacksGraphqlEndpoint() {
        twoFailedBatches();
        WireMockServer cloudFormation = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        cloudFormation.start();
        try {
            stubDescribeStacks(cloudFormation, "realtime-refarch-dev-streaming",
                    output(ReplayCommand.FAILURE_BUCKET_OUTPUT, BUCKET));
            stubDescribeStacks(cloudFormation, "realtime-refarch-dev-api",
                    output(ReplayCommand.GRAPHQL_URL_OUTPUT, appSync.endpoint().toString()));
            AwsClients aws = new AwsClients(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                    () -> Region.EU_WEST_1, java.net.URI.create(cloudFormation.baseUrl()), null);

            Run run = run(aws, "replay", "--stack", "realtime-refarch-dev-streaming",
                    "--endpoint-url", s3Server.endpoint().toString());

            assertEquals(TicksCli.OK, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("replaying s3://" + BUCKET + " to " + appSync.endpoint()), run.out());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), appSync.sequences("AMZN"));

            Run unknown = run(aws, "replay", "--stack", "nope-streaming", "--endpoint-url", s3Server.endpoint().toString());
            assertEquals(TicksCli.UNKNOWN_STACK, unknown.exitCode(), unknown.out() + unknown.err());
        } finally {
            cloudFormation.stop();
        }
    }

    /** WireMock as CloudWatch: answers PutMetricData as the SDK's Smithy RPC v2 CBOR protocol expects. */
    private static WireMockServer cloudWatch(int status) {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(post(urlPathMatching(".*")).willReturn(aResponse().withStatus(status)
                .withHeader("smithy-protocol", "rpc-v2-cbor").withHeader("Content-Type", "application/cbor")
                .withBody(new byte[] {(byte) 0xA0})));
        return server;
    }

    private Run replayPublishingTo(WireMockServer cloudWatch, String... extra) {
        List<String> args = new ArrayList<>(List.of("replay", "--bucket", BUCKET, "--graphql-url",
                appSync.endpoint().toString(), "--endpoint-url", s3Server.endpoint().toString()));
        args.addAll(List.of(extra));
        return run(new AwsClients(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                () -> Region.EU_WEST_1, null, null, java.net.URI.create(cloudWatch.baseUrl())),
                args.toArray(String[]::new));
    }

    /** A CBOR document (the SDK's shaded parser) as a JSON tree, to assert on. */
    private static JsonNode cbor(byte[] bytes) throws IOException {
        try (software.amazon.awssdk.thirdparty.jackson.core.JsonParser parser =
                new software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory().createParser(bytes)) {
            parser.nextToken();
            return cborValue(parser);
        }
    }

    private static JsonNode cborValue(software.amazon.awssdk.thirdparty.jackson.core.JsonParser parser)
            throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = JSON.createObjectNode();
                while (parser.nextToken() != software.amazon.awssdk.thirdparty.jackson.core.JsonToken.END_OBJECT) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.set(name, cborValue(parser));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = JSON.createArrayNode();
                while (parser.nextToken() != software.amazon.awssdk.thirdparty.jackson.core.JsonToken.END_ARRAY) {
                    array.add(cborValue(parser));
                }
                return array;
            }
            case VALUE_STRING -> {
                return JSON.getNodeFactory().textNode(parser.getText());
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return JSON.getNodeFactory().numberNode(parser.getDoubleValue());
            }
            default -> {
                return JSON.getNodeFactory().textNode(parser.getText());
            }
        }
    }

    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html (namespace, metric
    // name, dimensions, value, unit per datum; the caller needs cloudwatch:PutMetricData)
    @Test
    void aRunPublishesWhatItReplayedToCloudWatchByItsFailureBucket() throws IOException {
        twoFailedBatches();
        appSync.highest.put("AMZN", 2L);
        WireMockServer cloudWatch = cloudWatch(200);
        try {
            Run run = replayPublishingTo(cloudWatch);

            assertEquals(TicksCli.OK, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("metrics: ReplayedTicks=7 ReplayedStaleTicks=2 published to CloudWatch"
                    + " (RealtimeRefarch, FailureBucket=" + BUCKET + ")"), run.out());
            List<com.github.tomakehurst.wiremock.verification.LoggedRequest> requests = cloudWatch.findAll(
                    com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(urlPathMatching(".*")));
            assertEquals(1, requests.size(), requests.toString());
            assertTrue(requests.get(0).getUrl().endsWith("/operation/PutMetricData"), requests.get(0).getUrl());
            assertTrue(requests.get(0).getHeader("Authorization").contains("/monitoring/aws4_request"),
                    "signed for CloudWatch: " + requests.get(0).getHeader("Authorization"));
            JsonNode put = cbor(requests.get(0).getBody());
            assertEquals("RealtimeRefarch", put.path("Namespace").asText(), put.toString());
            List<String> data = new ArrayList<>();
            put.path("MetricData").forEach(d -> data.add(d.path("MetricName").asText() + "=" + d.path("Value").asDouble()
                    + " " + d.path("Unit").asText() + " " + d.at("/Dimensions/0/Name").asText() + "="
                    + d.at("/Dimensions/0/Value").asText() + " dimensions:" + d.path("Dimensions").size()));
            assertEquals(List.of("ReplayedTicks=7.0 Count FailureBucket=" + BUCKET + " dimensions:1",
                    "ReplayedStaleTicks=2.0 Count FailureBucket=" + BUCKET + " dimensions:1"), data);
        } finally {
            cloudWatch.stop();
        }
    }

    @Test
    void aDryRunPublishesNoMetric() {
        twoFailedBatches();
        WireMockServer cloudWatch = cloudWatch(200);
        try {
            Run run = replayPublishingTo(cloudWatch, "--dry-run");

            assertEquals(TicksCli.OK, run.exitCode(), run.out() + run.err());
            assertEquals(0, cloudWatch.getAllServeEvents().size());
        } finally {
            cloudWatch.stop();
        }
    }

    @Test
    void whenCloudWatchRefusesTheMetricsTheReplayStillStandsAndTheCliWarns() {
        twoFailedBatches();
        WireMockServer cloudWatch = cloudWatch(403);
        try {
            Run run = replayPublishingTo(cloudWatch);

            assertEquals(TicksCli.OK, run.exitCode(), "the exit code is the replay's: " + run.out() + run.err());
            assertTrue(run.out().contains("2 object(s): 9 published"), run.out());
            assertTrue(run.err().contains("ticks replay: warning: the replay went as reported above, but its metrics"
                    + " were not published to CloudWatch"), run.err());
            assertTrue(run.err().contains("cloudwatch:PutMetricData"), run.err());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), appSync.sequences("AMZN"));
            assertEquals(2, keys().stream().filter(k -> k.startsWith("replayed/")).count(), keys().toString());
        } finally {
            cloudWatch.stop();
        }
    }

    @Test
    void withLocalServersAndNoCloudWatchEndpointNoMetricIsSent() {
        twoFailedBatches();

        Run run = replay();

        assertEquals(TicksCli.OK, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("metrics: not published (--endpoint-url: the local servers have no CloudWatch)"),
                run.out());
    }

    @Test
    void usageErrorsNameWhatIsMissing() {
        Run neither = run(AwsClients.defaults(), "replay", "--bucket", BUCKET);
        assertEquals(TicksCli.USAGE, neither.exitCode());
        assertTrue(neither.err().contains("give --stack, or both --bucket and --graphql-url"), neither.err());
        Run none = run(AwsClients.defaults(), "replay");
        assertEquals(TicksCli.USAGE, none.exitCode());
    }

    @Test
    void theS3ServerListensOnLoopbackOnly() throws IOException {
        List<InetAddress> others = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).toList();
        for (int port : new int[] {s3Server.httpPort(), s3Server.httpsPort()}) {
            for (InetAddress address : others) {
                assertThrows(IOException.class, () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(address, port), 1000);
                    }
                }, "reachable on " + address + ":" + port);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        }
    }

    private static void stubDescribeStacks(WireMockServer cloudFormation, String stackName, String outputs) {
        CloudFormationStub.describeStacks(cloudFormation, stackName, outputs, "nope-streaming");
    }

    /** {@code --mutations-per-request 1}: each tick in a request of its own, as a field without an alias. */
    @Test
    void withOneMutationPerRequestEachTickIsSentAloneUnaliased() throws Exception {
        twoFailedBatches();

        Run run = replay("--mutations-per-request", "1");

        assertEquals(TicksCli.OK, run.exitCode(), run.out() + run.err());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), appSync.sequences("AMZN"));
        assertEquals(List.of(1L, 2L), appSync.sequences("MSFT"));
        // Nine ticks published, the repeated record not sent again: one request each.
        assertEquals(9, appSync.requests());
        for (var event : appSync.server.getAllServeEvents()) {
            String query = JSON.readTree(event.getRequest().getBodyAsString()).path("query").asText();
            assertTrue(query.contains("{ publishTick(tick: $tick0) {") && !query.contains("m0:")
                    && !query.contains("$tick1"), query);
        }
        Run bad = replay("--mutations-per-request", "0");
        assertEquals(TicksCli.USAGE, bad.exitCode(), bad.out() + bad.err());
        assertTrue(bad.err().contains("--mutations-per-request=0"), bad.err());
    }
}
