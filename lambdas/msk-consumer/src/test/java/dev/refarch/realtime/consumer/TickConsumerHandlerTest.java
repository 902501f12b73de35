package dev.refarch.realtime.consumer;

import dev.refarch.realtime.lambda.testing.LogCapture;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The handler as Lambda calls it: event JSON in, partial batch response JSON out, wired from env. */
class TickConsumerHandlerTest {

    private final LocalAppSync appSync = new LocalAppSync();
    private final LocalSqs sqs = new LocalSqs();
    private TickConsumer consumer;

    @AfterEach
    void stop() {
        if (consumer != null) {
            consumer.close();
        }
        appSync.close();
        sqs.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("GRAPHQL_URL", appSync.endpoint().toString());
        env.put("FAILURE_QUEUE_URL", sqs.queueUrl());
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString());
        env.put("MAX_TICKS_PER_REQUEST", "2");
        return env;
    }

    private String invoke(MskEventBuilder events) throws Exception {
        consumer = TickConsumer.fromConfig(ConsumerConfig.fromEnv(env()), StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TickConsumerHandler(consumer).handleRequest(events.stream(), out,
                TestConsumers.context(Duration.ofSeconds(60)));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFullyHandledBatchAnswersAnEmptyFailureList() throws Exception {
        String response;
        List<Map<String, Object>> poisonLines;
        try (LogCapture logs = LogCapture.attach()) {
            response = invoke(new MskEventBuilder()
                    .add(0, 10, "AMZN", MskEventBuilder.tick("AMZN", 10))
                    .add(0, 11, "AAPL", MskEventBuilder.tick("AAPL", 11))
                    .add(0, 12, "AMZN", "oops")
                    .add(0, 13, "AMZN", MskEventBuilder.tick("AMZN", 13))
                    .add(2, 3, null, MskEventBuilder.tick("MSFT", 3)));
            poisonLines = logs.structured().stream().filter(l -> "poison record".equals(l.get("message"))).toList();
            logs.assertNoneContains("oops");
        }

        assertEquals("{\"batchItemFailures\":[]}", response);
        assertEquals(3, appSync.delivered.size(), "partition 0 in 2 requests (10 and 11, 13), MSFT in 1");
        assertEquals(1, sqs.messages.size());
        // Logged from a partition thread, with the invocation's Powertools fields.
        assertEquals(1, poisonLines.size(), poisonLines.toString());
        Map<String, Object> poison = poisonLines.get(0);
        assertEquals(List.of("NOT_JSON", "ticks", 0, 12, "test-request-id", "WARN"), List.of(poison.get("reason"),
                poison.get("topic"), poison.get("partition"), poison.get("offset"), poison.get("function_request_id"),
                poison.get("level")), poison.toString());
    }

    @Test
    void anUndeliveredRecordIsReportedWithAnObjectIdentifier() throws Exception {
        appSync.server.stubFor(post("/graphql").willReturn(status(400).withBody("{\"errors\":[]}")));

        String response = invoke(new MskEventBuilder()
                .add(0, 10, "AMZN", MskEventBuilder.tick("AMZN", 10))
                .add(0, 11, "AMZN", MskEventBuilder.tick("AMZN", 11)));

        assertEquals("{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"ticks-0\",\"offset\":10}}]}",
                response);
    }

    @Test
    void configurationNamesTheBadSetting() {
        Map<String, String> env = env();
        env.put("MAX_TICKS_PER_REQUEST", "many");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsumerConfig.fromEnv(env))
                .getMessage().startsWith("MAX_TICKS_PER_REQUEST=many"));
        env.remove("MAX_TICKS_PER_REQUEST");
        env.remove("GRAPHQL_URL");
        assertEquals("GRAPHQL_URL is required",
                assertThrows(IllegalArgumentException.class, () -> ConsumerConfig.fromEnv(env)).getMessage());
        ConsumerConfig defaults = ConsumerConfig.fromEnv(Map.of("GRAPHQL_URL", "https://x.appsync-api.eu-west-1.amazonaws.com/graphql",
                "FAILURE_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/1/q", "AWS_REGION", "eu-west-1"));
        assertEquals(List.of(25, 4096, 10), List.of(defaults.maxTicksPerRequest(), defaults.maxRecordBytes(),
                defaults.partitionThreads()));
        assertEquals(null, defaults.sqsEndpoint());
        assertEquals("RealtimeRefarch", defaults.metricsNamespace());
    }

    @Test
    void aMalformedEventFailsTheInvocationWithoutQuotingAnyRecord() {
        String value = java.util.Base64.getEncoder().encodeToString(
                "{\"symbol\":\"SECRETSYM\"}".getBytes(StandardCharsets.UTF_8));
        String withoutOffset = "{\"records\":{\"ticks-0\":[{\"topic\":\"ticks\",\"partition\":0,\"key\":\"S0VZ\","
                + "\"value\":\"" + value + "\"}]}}";
        String truncated = "{\"records\":{\"ticks-0\":[{\"topic\":\"ticks\",\"value\":\"" + value + "\" SECRETTOKEN";
        for (String event : List.of(withoutOffset, truncated)) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> new TickConsumerHandler(null)
                    .handleRequest(new java.io.ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                            new ByteArrayOutputStream(), TestConsumers.context(Duration.ofSeconds(60))));
            for (String secret : List.of(value, "SECRET", "S0VZ")) {
                org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains(secret), e.getMessage());
            }
        }
    }
}
