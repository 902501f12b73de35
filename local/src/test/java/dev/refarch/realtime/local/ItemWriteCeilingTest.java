package dev.refarch.realtime.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.CdkJson;
import dev.refarch.realtime.local.iam.LocalIdentities;
import dev.refarch.realtime.local.iam.PolicyModel;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * DynamoDB's per-item write ceiling as the local IAM gateway emulates it, in front of DynamoDB Local,
 * on a clock the test moves: writes to one item above the rate get DynamoDB's throttling error (and
 * are not written), other items and reads are not limited, and the SDK's own retries of a throttled
 * call are visible as several refusals for one call.
 */
class ItemWriteCeilingTest {

    private static final int RATE = 5;
    private static final Duration TEN_MILLIS = Duration.ofMillis(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong NANOS = new AtomicLong(1_000_000_000L);

    private static DynamoDbComponent dynamo;
    private static IamGatewayComponent gateway;
    private static String table;
    private static DynamoDbClient noRetries;
    private static DynamoDbClient sdkRetries;

    @BeforeAll
    static void start() throws Exception {
        LocalSettings settings = new LocalSettings(CdkJson.projectRoot(Path.of("").toAbsolutePath()),
                AppConfig.from(key -> null), Ports.resolve(Map.of("ports", "auto")),
                new LogFolder(Files.createTempDirectory("write-ceiling-logs")), "da2-test", 1000);
        dynamo = new DynamoDbComponent(settings);
        dynamo.start();
        table = dynamo.table("reviews");
        PolicyModel export;
        try (InputStream in = ItemWriteCeilingTest.class.getResourceAsStream("/iam/gateway-policies.json")) {
            export = PolicyModel.read(in);
        }
        gateway = new IamGatewayComponent(settings, export, LocalIdentities.forPrincipals(export,
                LocalSettings.ACCOUNT, settings.prefix()), Map.of("dynamodb", dynamo.endpoint()));
        // The ceiling is independent of IAM: checked here without it.
        gateway.enforce(false);
        gateway.start();
        noRetries = client(true);
        sdkRetries = client(false);
    }

    private static DynamoDbClient client(boolean withoutRetries) {
        return DynamoDbClient.builder().endpointOverride(gateway.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "x")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> {
                    if (withoutRetries) {
                        o.retryStrategy(AwsRetryStrategy.doNotRetry());
                    } else {
                        // DynamoDB's default strategy (its attempts, what it retries) with its backoff cut to
                        // 10 ms: the test's clock never moves, so every retry is refused; DynamoDB's own
                        // throttling backoff would spend about 50 s of real time waiting for nothing.
                        o.retryStrategy(b -> b.backoffStrategy(BackoffStrategy.fixedDelayWithoutJitter(TEN_MILLIS))
                                .throttlingBackoffStrategy(BackoffStrategy.fixedDelayWithoutJitter(TEN_MILLIS)));
                    }
                })
                .build();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {noRetries, sdkRetries, gateway::stop, dynamo::stop}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
    }

    @BeforeEach
    void freshCeiling() {
        gateway.useWriteCeiling(new ItemWriteCeiling(RATE, Map.of(table, Reviews.REACTION),
                "arn:aws:dynamodb:us-east-1:000000000000:table/", NANOS::get));
    }

    private static void vote(DynamoDbClient client, String key) {
        client.updateItem(u -> u.tableName(table).key(Map.of(Reviews.REACTION, AttributeValue.fromS(key)))
                .updateExpression("ADD #count :one").expressionAttributeNames(Map.of("#count", Reviews.COUNT))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
    }

    private static long count(String key) {
        Map<String, AttributeValue> item = noRetries.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of(Reviews.REACTION, AttributeValue.fromS(key)))).item();
        return item.containsKey(Reviews.COUNT) ? Long.parseLong(item.get(Reviews.COUNT).n()) : 0;
    }

    @Test
    void writesToOneItemAboveTheRateAreThrottledAsDynamoDbThrottlesThemAndNotWritten() throws Exception {
        for (int i = 0; i < RATE; i++) {
            vote(noRetries, "HOT-1");
        }
        ProvisionedThroughputExceededException throttled = assertThrows(ProvisionedThroughputExceededException.class,
                () -> vote(noRetries, "HOT-1"));
        assertEquals(400, throttled.statusCode());
        assertEquals(RATE, count("HOT-1"), "the refused write never reached DynamoDB Local");

        // The body, as DynamoDB's JSON protocol carries it.
        HttpResponse<String> raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(gateway.endpoint())
                        .header("Content-Type", "application/x-amz-json-1.0")
                        .header("X-Amz-Target", "DynamoDB_20120810.PutItem")
                        .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/dynamodb/"
                                + "aws4_request, SignedHeaders=host, Signature=0")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"TableName\":\"" + table
                                + "\",\"Item\":{\"reaction\":{\"S\":\"HOT-1\"},\"count\":{\"N\":\"0\"}}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, raw.statusCode());
        assertTrue(raw.headers().firstValue("Content-Type").orElse("").startsWith("application/x-amz-json-1.0"));
        JsonNode body = JSON.readTree(raw.body());
        assertEquals("com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                body.path("__type").asText());
        assertTrue(body.path("message").asText().contains(table), body.toString());
        assertEquals("TableWriteKeyRangeThroughputExceeded", body.path("ThrottlingReasons").path(0).path("reason").asText());
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/" + table,
                body.path("ThrottlingReasons").path(0).path("resource").asText());

        // A fifth of a second later, one write's worth of tokens is back.
        NANOS.addAndGet(1_000_000_000L / RATE);
        vote(noRetries, "HOT-1");
        assertThrows(ProvisionedThroughputExceededException.class, () -> vote(noRetries, "HOT-1"));
    }

    @Test
    void otherItemsAndReadsAreNotLimited() {
        for (int i = 0; i < RATE; i++) {
            vote(noRetries, "HOT-2");
        }
        for (int item = 0; item < 20; item++) {
            for (int i = 0; i < RATE; i++) {
                vote(noRetries, "COLD-" + item);
            }
        }
        for (int i = 0; i < 10 * RATE; i++) {
            assertEquals(RATE, count("HOT-2"));
        }
        assertEquals(RATE, count("COLD-19"));
    }

    @Test
    void theSdkRetriesAThrottledWriteItselfBeforeItFails() {
        for (int i = 0; i < RATE; i++) {
            vote(noRetries, "HOT-3");
        }
        long before = gateway.writeCeiling().refused();
        assertThrows(ProvisionedThroughputExceededException.class, () -> vote(sdkRetries, "HOT-3"));
        long refusals = gateway.writeCeiling().refused() - before;
        // One call, several attempts: the SDK's standard retry strategy retries throttling errors.
        assertTrue(refusals > 1, "refusals for one call with the SDK's default retries: " + refusals);
    }
}
