package dev.refarch.realtime.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.CdkJson;
import dev.refarch.realtime.local.iam.AwsRequest;
import dev.refarch.realtime.local.iam.GraphqlOperation;
import dev.refarch.realtime.local.iam.LocalIdentities;
import dev.refarch.realtime.local.iam.LocalIdentity;
import dev.refarch.realtime.local.iam.PolicyModel;
import dev.refarch.realtime.local.iam.Refusal;
import dev.refarch.realtime.local.iam.SignedRequests;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The IAM gateway in front of real stand-ins (DynamoDB Local, ElasticMQ, the Secrets Manager
 * stand-in) and recording ones (S3, AppSync), called by the SDK v2 clients the functions use,
 * each signing with its own identity's keys, under the policies of a policy export fixture
 * ({@code /iam/gateway-policies.json}): what is allowed reaches the stand-in; what is not is refused
 * with the service's own error, and never reaches it.
 */
class IamGatewayComponentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WRITER = "function:test.iam.WriterHandler::handleRequest";
    private static final String READER = "function:test.iam.ReaderHandler::handleRequest";
    private static final String SLOT = "function:test.iam.SlotHandler::handleRequest";
    private static final String PRODUCER = "function:test.iam.ProducerHandler::handleRequest";
    private static final String WRITER_POLICY = "api/WriterFunction/ServiceRole/DefaultPolicy/Resource#";
    private static final String BUCKET = "iam-test-failed-batches";
    private static final String API_ID = "localapi";

    private static LocalSettings settings;
    private static DynamoDbComponent dynamo;
    private static SqsComponent sqs;
    private static SecretsManagerComponent secrets;
    private static RecordingStandIn s3;
    private static RecordingStandIn appSync;
    private static IamGatewayComponent gateway;
    private static LambdaComponent lambda;
    private static final java.util.Queue<String> INVOKED = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final String PRODUCER_ALIAS = "arn:aws:lambda:us-east-1:000000000000:function:producer:live";
    private static PolicyModel policies;
    private static LocalIdentities identities;
    private static DynamoDbClient direct;
    private static String table;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        settings = new LocalSettings(CdkJson.projectRoot(Path.of("").toAbsolutePath()), AppConfig.from(key -> null),
                Ports.resolve(Map.of("ports", "auto")), new LogFolder(Files.createTempDirectory("iam-gateway-logs")),
                "da2-test", 1000);
        dynamo = new DynamoDbComponent(settings);
        dynamo.start();
        sqs = new SqsComponent(settings);
        sqs.start();
        secrets = new SecretsManagerComponent(settings);
        secrets.put("AmazonMSK_test", Map.of("username", "realtime", "password", "scram"));
        secrets.put("tmdb", Map.of("tmdbApiKey", ""));
        secrets.start();
        s3 = new RecordingStandIn(IamGatewayComponentTest::s3Answer);
        appSync = new RecordingStandIn(IamGatewayComponentTest::appSyncAnswer);
        direct = AwsClients.dynamo(dynamo.endpoint());
        table = dynamo.table("reviews");
        String streamArn = direct.describeTable(d -> d.tableName(table)).table().latestStreamArn()
                .replace(":ddblocal:", ":us-east-1:");

        PolicyModel export;
        try (InputStream in = IamGatewayComponentTest.class.getResourceAsStream("/iam/gateway-policies.json")) {
            export = PolicyModel.read(in);
        }
        identities = LocalIdentities.forPrincipals(export, LocalSettings.ACCOUNT, settings.prefix());
        Map<String, String> binding = new HashMap<>(identities.binding());
        binding.put("api/ReviewsTable/Resource.Arn", "arn:aws:dynamodb:us-east-1:000000000000:table/" + table);
        binding.put("api/ReviewsTable/Resource.StreamArn", streamArn);
        binding.put("streaming/FailureQueue/Resource.Arn", "arn:aws:sqs:us-east-1:000000000000:"
                + settings.prefix() + "-tick-failures");
        binding.put("streaming/FailureBucket/Resource.Arn", "arn:aws:s3:::" + BUCKET);
        binding.put("streaming/ScramSecret/Resource.Ref", settings.secretArn("AmazonMSK_test"));
        binding.put("streaming/MskKey/Resource.Arn", "arn:aws:kms:us-east-1:000000000000:key/local-msk");
        binding.put("api/Api/GraphqlApi.ApiId", API_ID);
        binding.put("streaming/TickProducer/Live/Resource.Ref", PRODUCER_ALIAS);
        // Granted, but no function of that name runs here: Lambda's own 404 comes through.
        binding.put("streaming/Retired/Live/Resource.Ref", "arn:aws:lambda:us-east-1:000000000000:function:retired:live");
        policies = export.bind(binding);
        for (String principal : policies.principals()) {
            assertEquals(List.of(), policies.unboundPlaceholders(principal), principal);
        }
        assertEquals(Map.of(), policies.unboundResourcePlaceholders());

        lambda = new LambdaComponent(settings, List.of(new StubFunction("producer", event -> {
            INVOKED.add(event.toString());
            return new RuntimeApi.Result(false, "{\"canaryTick\":" + event.path("canaryTick") + "}");
        })));
        lambda.start();
        gateway = new IamGatewayComponent(settings, policies, identities, Map.of("dynamodb", dynamo.endpoint(),
                "sqs", sqs.endpoint(), "s3", s3.endpoint(), "secretsmanager", secrets.endpoint(),
                "appsync", appSync.endpoint(), "lambda", lambda.endpoint()));
        gateway.usePartitionKeys(Map.of(table, Reviews.REACTION));
        gateway.start();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway::stop, lambda::stop, direct, s3, appSync, secrets::stop, sqs::stop,
                dynamo::stop}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
    }

    private static RecordingStandIn.Answer s3Answer(RecordingStandIn.Received request) {
        String path = request.uri().getPath();
        if (request.method().equals("PUT")) {
            return new RecordingStandIn.Answer(200, Map.of("ETag", "\"5eb63bbbe01eeed093cb22bb8f5acdc3\""), new byte[0]);
        }
        if (request.method().equals("HEAD")) {
            return new RecordingStandIn.Answer(200, Map.of("Content-Length", "11", "ETag", "\"e\"",
                    "Content-Type", "text/plain"), new byte[0]);
        }
        if (path.equals("/" + BUCKET) || path.equals("/" + BUCKET + "/")) {
            return RecordingStandIn.Answer.of(200, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + BUCKET
                    + "</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys>"
                    + "<IsTruncated>false</IsTruncated></ListBucketResult>");
        }
        return RecordingStandIn.Answer.of(200, "text/plain", "hello world");
    }

    /** Answers each field of the operation it receives with a tick, as the simulator would resolve it. */
    private static RecordingStandIn.Answer appSyncAnswer(RecordingStandIn.Received request) {
        try {
            JsonNode body = JSON.readTree(request.body());
            GraphqlOperation operation = GraphqlOperation.parse(body.path("query").asText(),
                    body.path("operationName").asText(null));
            ObjectNode response = JSON.createObjectNode();
            ObjectNode data = response.putObject("data");
            operation.fields().forEach(f -> data.putObject(f.resultKey()).put("symbol", "AMZN"));
            return RecordingStandIn.Answer.of(200, "application/json", response.toString());
        } catch (Exception e) {
            return RecordingStandIn.Answer.of(400, "application/json", "{\"errors\":[{\"message\":\"" + e + "\"}]}");
        }
    }

    // --- clients as the functions build them, signing with an identity's keys

    private static StaticCredentialsProvider keys(LocalIdentity who) {
        return keys(who.accessKeyId(), who.secretAccessKey());
    }

    private static StaticCredentialsProvider keys(String accessKey, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret));
    }

    private static LocalIdentity who(String principal) {
        return identities.forPrincipal(principal);
    }

    private static DynamoDbClient dynamo(StaticCredentialsProvider keys) {
        return DynamoDbClient.builder().endpointOverride(gateway.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(keys).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static SqsClient sqs(StaticCredentialsProvider keys) {
        return SqsClient.builder().endpointOverride(gateway.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(keys).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static S3Client s3(StaticCredentialsProvider keys) {
        return S3Client.builder().endpointOverride(gateway.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(keys).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static SecretsManagerClient secrets(StaticCredentialsProvider keys) {
        return SecretsManagerClient.builder().endpointOverride(gateway.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(keys).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static Map<String, AttributeValue> review(String reaction) {
        return Map.of(Reviews.REACTION, AttributeValue.fromS(reaction));
    }

    private static boolean stored(String reaction) {
        return direct.getItem(g -> g.tableName(table).key(review(reaction)).consistentRead(true)).hasItem();
    }

    private static HttpResponse<String> send(AwsRequest request) throws Exception {
        return HTTP.send(SignedRequests.toHttp(gateway.endpoint(), request), HttpResponse.BodyHandlers.ofString());
    }

    private static <T> T withPolicies(PolicyModel model, Callable<T> body) throws Exception {
        gateway.usePolicies(model);
        try {
            return body.call();
        } finally {
            gateway.usePolicies(policies);
        }
    }

    /**
     * A signed Lambda Invoke of {@code function} (a name, with or without {@code :qualifier}) through the
     * gateway, its path label percent-encoded as the SDKs send it.
     */
    private static HttpResponse<String> invoke(String principal, String function, String event) throws Exception {
        return send(SignedRequests.sign(who(principal), "lambda", "POST", gateway.endpoint().resolve(
                "/2015-03-31/functions/" + function.replace(":", "%3A") + "/invocations"),
                Map.of("Content-Type", "application/json", "X-Amz-Invocation-Type", "RequestResponse"),
                event.getBytes(StandardCharsets.UTF_8), Instant.now(), false));
    }

    // --- Lambda

    @Test
    void anInvokeOfTheGrantedAliasReachesTheFunctionAndAnswersItsResult() throws Exception {
        String event = "{\"canaryTick\":{\"symbol\":\"ZZVERIFY\",\"sequence\":7}}";
        long before = gateway.usage().getOrDefault("api/ReaderFunction/ServiceRole/Resource#InvokePolicy#0", 0L);

        HttpResponse<String> answer = invoke(READER, "producer:live", event);

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("{\"canaryTick\":{\"symbol\":\"ZZVERIFY\",\"sequence\":7}}", answer.body());
        assertTrue(answer.headers().firstValue("X-Amz-Function-Error").isEmpty());
        assertTrue(INVOKED.contains(JSON.readTree(event).toString()));
        assertEquals(before + 1, gateway.usage().get("api/ReaderFunction/ServiceRole/Resource#InvokePolicy#0"));
        // The Qualifier parameter names the same alias ARN.
        assertEquals(200, send(SignedRequests.sign(who(READER), "lambda", "POST",
                gateway.endpoint().resolve("/2015-03-31/functions/producer/invocations?Qualifier=live"),
                Map.of("Content-Type", "application/json"), event.getBytes(StandardCharsets.UTF_8), Instant.now(),
                false)).statusCode());
    }

    @Test
    void anInvokeWithoutTheGrantIsRefusedAsLambdaRefusesItAndNeverReachesTheFunction() throws Exception {
        int invoked = INVOKED.size();

        HttpResponse<String> writer = invoke(WRITER, "producer:live", "{}");
        // A grant on the alias does not cover the unqualified function: Lambda authorizes the ARN invoked.
        HttpResponse<String> unqualified = invoke(READER, "producer", "{}");

        for (HttpResponse<String> refused : List.of(writer, unqualified)) {
            assertEquals(403, refused.statusCode(), refused.body());
            assertEquals("AccessDeniedException", refused.headers().firstValue("x-amzn-ErrorType").orElse(""));
            assertTrue(JSON.readTree(refused.body()).path("Message").asText().contains(
                    " is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:"
                            + "000000000000:function:producer"), refused.body());
        }
        assertTrue(JSON.readTree(unqualified.body()).path("Message").asText().contains("function:producer because"),
                unqualified.body());
        assertEquals(invoked, INVOKED.size(), "a refused invocation never runs");
        assertTrue(gateway.refusals().stream().anyMatch(r -> r.toString().contains("lambda:InvokeFunction")));
    }

    @Test
    void anInvokeOfAFunctionThatDoesNotRunHereIsResourceNotFound() throws Exception {
        HttpResponse<String> missing = invoke(READER, "retired:live", "{}");

        assertEquals(404, missing.statusCode(), missing.body());
        assertEquals("ResourceNotFoundException", missing.headers().firstValue("x-amzn-ErrorType").orElse(""));
        assertEquals("Function not found: arn:aws:lambda:us-east-1:000000000000:function:retired:live",
                JSON.readTree(missing.body()).path("Message").asText());
    }

    // --- DynamoDB

    @Test
    void anAllowedCallReachesDynamoDbAndCountsTheStatementThatAllowedIt() {
        long before = gateway.usage().getOrDefault(WRITER_POLICY + "0", 0L);
        try (DynamoDbClient writer = dynamo(keys(who(WRITER)))) {
            writer.putItem(p -> p.tableName(table).item(review("IAM-ALLOWED")));
        }
        assertTrue(stored("IAM-ALLOWED"));
        assertEquals(before + 1, gateway.usage().get(WRITER_POLICY + "0"));
    }

    @Test
    void anActionNoPolicyAllowsIsRefusedAsDynamoDbRefusesItAndNeverReachesTheTable() {
        LocalIdentity reader = who(READER);
        DynamoDbException e;
        try (DynamoDbClient client = dynamo(keys(reader))) {
            e = assertThrows(DynamoDbException.class,
                    () -> client.putItem(p -> p.tableName(table).item(review("IAM-REFUSED"))));
        }
        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
        assertEquals(400, e.statusCode());
        String tableArn = "arn:aws:dynamodb:us-east-1:000000000000:table/" + table;
        assertEquals("User: " + reader.assumedRoleArn() + " is not authorized to perform: dynamodb:PutItem on "
                + "resource: " + tableArn + " because no identity-based policy allows the dynamodb:PutItem action",
                e.awsErrorDetails().errorMessage());
        assertFalse(stored("IAM-REFUSED"));
        Refusal refusal = lastRefusal();
        assertEquals(reader.assumedRoleArn(), refusal.principal());
        assertEquals("dynamodb:PutItem", refusal.action());
        assertEquals(tableArn, refusal.resource());
    }

    /**
     * A grant narrowed to one item by {@code dynamodb:LeadingKeys} (ForAllValues, with Null false so a request
     * without keys is not let through): the SDK's calls on that item pass, the same calls on another item and a
     * Scan are refused as DynamoDB refuses them, and never reach the table.
     */
    @Test
    void aGrantNarrowedByLeadingKeysAllowsItsItemAndRefusesAnotherAndAScan() {
        LocalIdentity slot = who(SLOT);
        try (DynamoDbClient client = dynamo(keys(slot))) {
            client.updateItem(u -> u.tableName(table).key(review("IAM-SLOT"))
                    .updateExpression("ADD #n :one").expressionAttributeNames(Map.of("#n", "n"))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
            assertTrue(client.getItem(g -> g.tableName(table).key(review("IAM-SLOT")).consistentRead(true)).hasItem());
            DynamoDbException other = assertThrows(DynamoDbException.class, () -> client.updateItem(u -> u.tableName(table)
                    .key(review("IAM-NOT-THE-SLOT")).updateExpression("ADD #n :one")
                    .expressionAttributeNames(Map.of("#n", "n"))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))));
            assertEquals("AccessDeniedException", other.awsErrorDetails().errorCode());
            assertTrue(other.awsErrorDetails().errorMessage().contains("dynamodb:UpdateItem"),
                    other.awsErrorDetails().errorMessage());
            DynamoDbException scan = assertThrows(DynamoDbException.class, () -> client.scan(s -> s.tableName(table)));
            assertEquals("AccessDeniedException", scan.awsErrorDetails().errorCode());
        }
        assertFalse(stored("IAM-NOT-THE-SLOT"));
    }

    @Test
    void anExplicitDenyWinsOverTheAllowForTheSameAction() {
        direct.putItem(p -> p.tableName(table).item(review("IAM-KEPT")));
        DynamoDbException e;
        try (DynamoDbClient writer = dynamo(keys(who(WRITER)))) {
            e = assertThrows(DynamoDbException.class,
                    () -> writer.deleteItem(d -> d.tableName(table).key(review("IAM-KEPT"))));
        }
        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
        assertTrue(e.awsErrorDetails().errorMessage().endsWith("with an explicit deny in an identity-based policy"),
                e.awsErrorDetails().errorMessage());
        assertTrue(stored("IAM-KEPT"));
    }

    @Test
    void aWrongSecretAnUnknownKeyATamperedBodyAndAStaleDateAreRefusedAsDynamoDbRefusesThem() throws Exception {
        LocalIdentity writer = who(WRITER);
        try (DynamoDbClient wrongSecret = dynamo(keys(writer.accessKeyId(), "not-" + writer.secretAccessKey()));
             DynamoDbClient unknownKey = dynamo(keys(LocalSettings.ACCESS_KEY_ID, LocalSettings.SECRET_ACCESS_KEY))) {
            DynamoDbException signature = assertThrows(DynamoDbException.class,
                    () -> wrongSecret.putItem(p -> p.tableName(table).item(review("IAM-WRONG-SECRET"))));
            assertEquals("InvalidSignatureException", signature.awsErrorDetails().errorCode());
            DynamoDbException unknown = assertThrows(DynamoDbException.class,
                    () -> unknownKey.putItem(p -> p.tableName(table).item(review("IAM-UNKNOWN-KEY"))));
            assertEquals("UnrecognizedClientException", unknown.awsErrorDetails().errorCode());
        }
        String put = "{\"TableName\":\"" + table + "\",\"Item\":{\"" + Reviews.REACTION + "\":{\"S\":\"IAM-TAMPERED\"}}}";
        AwsRequest signed = SignedRequests.jsonPost(writer, "dynamodb", gateway.endpoint(), "DynamoDB_20120810.PutItem",
                put);
        HttpResponse<String> tampered = send(SignedRequests.tampered(signed, put.indexOf("TAMPERED")));
        assertEquals(400, tampered.statusCode());
        assertEquals("com.amazon.coral.service#InvalidSignatureException",
                JSON.readTree(tampered.body()).path("__type").asText(), tampered.body());
        String stalePut = put.replace("IAM-TAMPERED", "IAM-STALE");
        AwsRequest stale = SignedRequests.sign(writer, "dynamodb", "POST", gateway.endpoint().resolve("/"),
                Map.of("X-Amz-Target", "DynamoDB_20120810.PutItem", "Content-Type", "application/x-amz-json-1.0"),
                stalePut.getBytes(StandardCharsets.UTF_8), Instant.now().minus(Duration.ofMinutes(20)), false);
        HttpResponse<String> expired = send(stale);
        assertEquals(400, expired.statusCode());
        JsonNode body = JSON.readTree(expired.body());
        assertEquals("com.amazon.coral.service#InvalidSignatureException", body.path("__type").asText());
        assertTrue(body.path("Message").asText().startsWith("Signature expired: "), expired.body());
        assertTrue(body.path("Message").asText().endsWith(" - 5 min.)"), expired.body());
        for (String reaction : List.of("IAM-WRONG-SECRET", "IAM-UNKNOWN-KEY", "IAM-TAMPERED", "IAM-STALE")) {
            assertFalse(stored(reaction), reaction);
        }
        // The very request, signed now and untouched, goes through.
        assertEquals(200, send(SignedRequests.jsonPost(writer, "dynamodb", gateway.endpoint(),
                "DynamoDB_20120810.PutItem", put)).statusCode());
        assertTrue(stored("IAM-TAMPERED"));
    }

    @Test
    void dynamoDbStreamsAreAuthorizedOnTheStreamsArnAndListStreamsOnEverything() {
        try (DynamoDbStreamsClient writer = DynamoDbStreamsClient.builder().endpointOverride(gateway.endpoint())
                .region(Region.US_EAST_1).credentialsProvider(keys(who(WRITER)))
                .httpClient(UrlConnectionHttpClient.create()).build();
             DynamoDbStreamsClient reader = DynamoDbStreamsClient.builder().endpointOverride(gateway.endpoint())
                     .region(Region.US_EAST_1).credentialsProvider(keys(who(READER)))
                     .httpClient(UrlConnectionHttpClient.create()).build()) {
            String stream = writer.listStreams(l -> l.tableName(table)).streams().get(0).streamArn();
            String shard = writer.describeStream(d -> d.streamArn(stream)).streamDescription().shards().get(0).shardId();
            String iterator = writer.getShardIterator(g -> g.streamArn(stream).shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            assertNotNull(writer.getRecords(g -> g.shardIterator(iterator)).records());
            DynamoDbException e = assertThrows(DynamoDbException.class,
                    () -> reader.getRecords(g -> g.shardIterator(iterator)));
            assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
            assertTrue(e.awsErrorDetails().errorMessage().contains("dynamodb:GetRecords on resource: "
                    + stream.replace(":ddblocal:", ":us-east-1:")), e.awsErrorDetails().errorMessage());
        }
    }

    // --- SQS

    @Test
    void sqsIsAuthorizedPerQueueWithBatchesAsTheSingleActionAndRefusedInItsJsonAndQueryProtocols()
            throws Exception {
        String queueUrl = sqs.failureQueueUrl();
        try (SqsClient writer = sqs(keys(who(WRITER))); SqsClient reader = sqs(keys(who(READER)));
             SqsClient queue = AwsClients.sqs(sqs.endpoint())) {
            queue.purgeQueue(p -> p.queueUrl(queueUrl));
            writer.sendMessage(m -> m.queueUrl(queueUrl).messageBody("one"));
            writer.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(
                    SendMessageBatchRequestEntry.builder().id("a").messageBody("two").build(),
                    SendMessageBatchRequestEntry.builder().id("b").messageBody("three").build()));
            SqsException e = assertThrows(SqsException.class,
                    () -> reader.sendMessage(m -> m.queueUrl(queueUrl).messageBody("refused")));
            try (SqsClient wrongSecret = sqs(keys(who(WRITER).accessKeyId(), "not-the-secret"))) {
                assertEquals("SignatureDoesNotMatch", assertThrows(SqsException.class, () -> wrongSecret.sendMessage(
                        m -> m.queueUrl(queueUrl).messageBody("badly signed"))).awsErrorDetails().errorCode());
            }
            assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
            assertEquals(403, e.statusCode());
            assertTrue(e.awsErrorDetails().errorMessage().contains("is not authorized to perform: sqs:sendmessage on "
                    + "resource: arn:aws:sqs:us-east-1:000000000000:" + settings.prefix() + "-tick-failures"),
                    e.awsErrorDetails().errorMessage());
            String form = "Action=SendMessage&Version=2012-11-05&QueueUrl="
                    + URLEncoder.encode(queueUrl, StandardCharsets.UTF_8) + "&MessageBody=refused-too";
            HttpResponse<String> query = send(SignedRequests.sign(who(READER), "sqs", "POST",
                    gateway.endpoint().resolve("/"), Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    form.getBytes(StandardCharsets.UTF_8), Instant.now(), false));
            assertEquals(403, query.statusCode());
            assertTrue(query.body().contains("<Code>AccessDenied</Code>"), query.body());
            List<String> bodies = queue.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages().stream().map(m -> m.body()).sorted().toList();
            assertEquals(List.of("one", "three", "two"), bodies);
        }
    }

    @Test
    void takingOneStatementAwayFromAPrincipalRefusesTheCallItAllowed() throws Exception {
        String queueUrl = sqs.failureQueueUrl();
        try (SqsClient writer = sqs(keys(who(WRITER)))) {
            SqsException e = withPolicies(policies.withoutStatement(WRITER_POLICY + "3"), () -> assertThrows(
                    SqsException.class, () -> writer.sendMessage(m -> m.queueUrl(queueUrl).messageBody("x"))));
            assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
            writer.sendMessage(m -> m.queueUrl(queueUrl).messageBody("allowed again"));
        }
    }

    // --- S3

    @Test
    void anS3UploadIsVerifiedChunkByChunkAndReachesTheStandInDecodedWithItsChecksum() {
        s3.clear();
        try (S3Client writer = s3(keys(who(WRITER)))) {
            writer.putObject(p -> p.bucket(BUCKET).key("batches/one batch.json"), RequestBody.fromString("hello world"));
            writer.listObjectsV2(l -> l.bucket(BUCKET));
        }
        RecordingStandIn.Received put = s3.received().get(0);
        assertEquals("PUT", put.method());
        assertEquals("/" + BUCKET + "/batches/one%20batch.json", put.uri().getRawPath());
        assertEquals("hello world", put.bodyText());
        assertEquals(null, put.header("Content-Encoding"));
        assertEquals("DUoRhQ==", put.header("x-amz-checksum-crc32"));
        assertEquals("GET", s3.received().get(1).method());
    }

    @Test
    void s3RefusesWhatNoPolicyAllowsAndEverySignatureProblemWithItsOwnCodes() throws Exception {
        s3.clear();
        LocalIdentity writer = who(WRITER);
        try (S3Client reader = s3(keys(who(READER))); S3Client writerClient = s3(keys(writer));
             S3Client wrongSecret = s3(keys(writer.accessKeyId(), "not-" + writer.secretAccessKey()));
             S3Client unknownKey = s3(keys(LocalSettings.ACCESS_KEY_ID, LocalSettings.SECRET_ACCESS_KEY))) {
            S3Exception denied = assertThrows(S3Exception.class, () -> reader.putObject(
                    p -> p.bucket(BUCKET).key("x.json"), RequestBody.fromString("x")));
            assertEquals("AccessDenied", denied.awsErrorDetails().errorCode());
            assertEquals(403, denied.statusCode());
            assertTrue(denied.awsErrorDetails().errorMessage().contains("s3:PutObject on resource: \"arn:aws:s3:::"
                    + BUCKET + "/x.json\""), denied.awsErrorDetails().errorMessage());
            S3Exception read = assertThrows(S3Exception.class,
                    () -> writerClient.getObjectAsBytes(g -> g.bucket(BUCKET).key("x.json")));
            assertEquals("AccessDenied", read.awsErrorDetails().errorCode());
            assertEquals(403, assertThrows(S3Exception.class,
                    () -> writerClient.headObject(h -> h.bucket(BUCKET).key("x.json"))).statusCode());
            assertEquals("SignatureDoesNotMatch", assertThrows(S3Exception.class, () -> wrongSecret.putObject(
                    p -> p.bucket(BUCKET).key("x.json"), RequestBody.fromString("x"))).awsErrorDetails().errorCode());
            assertEquals("InvalidAccessKeyId", assertThrows(S3Exception.class, () -> unknownKey.putObject(
                    p -> p.bucket(BUCKET).key("x.json"), RequestBody.fromString("x"))).awsErrorDetails().errorCode());
        }
        HttpResponse<String> skewed = send(SignedRequests.sign(writer, "s3", "GET",
                gateway.endpoint().resolve("/" + BUCKET + "?list-type=2"), Map.of(), new byte[0],
                Instant.now().minus(Duration.ofMinutes(20)), false));
        assertEquals(403, skewed.statusCode());
        assertTrue(skewed.body().contains("<Code>RequestTimeTooSkewed</Code>"), skewed.body());
        assertTrue(skewed.body().contains("<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>"));
        assertEquals(List.of(), s3.received(), "nothing refused reached S3");
    }

    @Test
    void anAllowedHeadAnswersTheObjectsLengthWithoutABody() {
        try (S3Client producer = s3(keys(who(PRODUCER)))) {
            assertEquals(11L, producer.headObject(h -> h.bucket(BUCKET).key("a.json")).contentLength());
        }
    }

    // --- Secrets Manager and KMS

    @Test
    void aSecretUnderAKmsKeyAlsoNeedsKmsDecryptViaSecretsManagerFromTheKeyPolicyOrThroughIt() throws Exception {
        String scram = settings.secretArn("AmazonMSK_test");
        try (SecretsManagerClient writer = secrets(keys(who(WRITER)));
             SecretsManagerClient producer = secrets(keys(who(PRODUCER)));
             SecretsManagerClient reader = secrets(keys(who(READER)))) {
            // The key policy delegates to IAM, and the writer's policy allows kms:Decrypt via Secrets Manager.
            assertTrue(writer.getSecretValue(g -> g.secretId(scram)).secretString().contains("scram"));
            // The key policy names the producer's role itself.
            assertTrue(producer.getSecretValue(g -> g.secretId("AmazonMSK_test")).secretString().contains("scram"));
            SecretsManagerException kms = assertThrows(SecretsManagerException.class,
                    () -> reader.getSecretValue(g -> g.secretId(scram)));
            assertEquals("AccessDeniedException", kms.awsErrorDetails().errorCode());
            assertEquals("Access to KMS is not allowed", kms.awsErrorDetails().errorMessage());
            SecretsManagerException tmdb = assertThrows(SecretsManagerException.class,
                    () -> reader.getSecretValue(g -> g.secretId("tmdb")));
            assertTrue(tmdb.awsErrorDetails().errorMessage().contains(
                    "secretsmanager:GetSecretValue on resource: " + settings.secretArn("tmdb")),
                    tmdb.awsErrorDetails().errorMessage());
            try (SecretsManagerClient unknownKey = secrets(keys(LocalSettings.ACCESS_KEY_ID,
                    LocalSettings.SECRET_ACCESS_KEY))) {
                assertEquals("UnrecognizedClientException", assertThrows(SecretsManagerException.class,
                        () -> unknownKey.getSecretValue(g -> g.secretId(scram))).awsErrorDetails().errorCode());
            }
            SecretsManagerException withoutKms = withPolicies(policies.withoutStatement(WRITER_POLICY + "7"),
                    () -> assertThrows(SecretsManagerException.class, () -> writer.getSecretValue(g -> g.secretId(scram))));
            assertEquals("Access to KMS is not allowed", withoutKms.awsErrorDetails().errorMessage());
        }
        assertTrue(gateway.usage().containsKey("streaming/MskKey/Resource#1"), gateway.usage().toString());
    }

    // --- AppSync

    private static AwsRequest graphql(LocalIdentity who, String query, Map<String, Object> variables)
            throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("query", query);
        body.set("variables", JSON.valueToTree(variables));
        return SignedRequests.sign(who, "appsync", "POST", gateway.endpoint().resolve("/graphql"),
                Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(body), Instant.now(), false);
    }

    private static final String TWO_FIELDS = """
            mutation Two($tick: TickInput!, $movie: MovieInput!) {
              a: publishTick(tick: $tick) { symbol }
              b: setCurrentMovie(movie: $movie) { title }
            }""";
    private static final Map<String, Object> TWO_VARIABLES = Map.of("tick", Map.of("symbol", "AMZN"),
            "movie", Map.of("title", "Local"));

    @Test
    void anAppSyncRequestRunsItsAllowedFieldAndAnswersTheRefusedOneAsAppSyncDoes() throws Exception {
        appSync.clear();
        LocalIdentity writer = who(WRITER);
        HttpResponse<String> response = send(graphql(writer, TWO_FIELDS, TWO_VARIABLES));
        assertEquals(200, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("AMZN", body.path("data").path("a").path("symbol").asText(), response.body());
        assertTrue(body.path("data").has("b") && body.path("data").path("b").isNull(), response.body());
        assertEquals(1, body.path("errors").size(), response.body());
        JsonNode error = body.path("errors").get(0);
        assertEquals("Unauthorized", error.path("errorType").asText());
        assertEquals("Not Authorized to access setCurrentMovie on type Mutation", error.path("message").asText());
        assertEquals("b", error.path("path").get(0).asText());

        RecordingStandIn.Received forwarded = appSync.received().get(0);
        String query = JSON.readTree(forwarded.body()).path("query").asText();
        assertTrue(query.contains("publishTick") && !query.contains("setCurrentMovie"), query);
        assertFalse(query.contains("$movie"), "the refused field's variable goes with it: " + query);
        assertEquals(writer.assumedRoleArn(), forwarded.header(IamGatewayComponent.PRINCIPAL_HEADER));
        assertEquals(gateway.runToken(), forwarded.header(IamGatewayComponent.GATEWAY_HEADER));
    }

    @Test
    void anAppSyncRequestWithEveryFieldRefusedNeverReachesTheApiAndABadSignatureIsRefusedWhole() throws Exception {
        appSync.clear();
        HttpResponse<String> response = send(graphql(who(READER), TWO_FIELDS, TWO_VARIABLES));
        assertEquals(200, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        assertTrue(body.path("data").path("a").isNull() && body.path("data").path("b").isNull(), response.body());
        assertEquals(2, body.path("errors").size());
        AwsRequest signed = graphql(who(WRITER), "mutation { publishTick(tick: {symbol: \"AMZN\"}) { symbol } }",
                Map.of());
        HttpResponse<String> tampered = send(SignedRequests.tampered(signed, signed.bodyText().indexOf("AMZN")));
        assertEquals(403, tampered.statusCode());
        assertEquals("InvalidSignatureException",
                JSON.readTree(tampered.body()).path("errors").get(0).path("errorType").asText());
        assertEquals(List.of(), appSync.received());
    }

    // --- switched off

    @Test
    void switchedOffTheGatewayRoutesWithoutCheckingAndSaysSo() {
        gateway.enforce(false);
        try (DynamoDbClient reader = dynamo(keys(who(READER)))) {
            assertTrue(gateway.readyDetail().contains("NOT enforcing IAM"));
            reader.putItem(p -> p.tableName(table).item(review("IAM-UNENFORCED")));
        } finally {
            gateway.enforce(true);
        }
        assertTrue(stored("IAM-UNENFORCED"));
    }

    private static Refusal lastRefusal() {
        List<Refusal> all = gateway.refusals();
        assertFalse(all.isEmpty());
        return all.get(all.size() - 1);
    }
}
