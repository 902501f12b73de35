package dev.refarch.realtime.producer;

import dev.refarch.realtime.lambda.testing.LogCapture;
import dev.refarch.realtime.lambda.testing.TestContext;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.refarch.realtime.msk.testing.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/**
 * The handler end to end against a real Kafka broker with SCRAM-SHA-512, with WireMock standing
 * in for Secrets Manager and the HTTP quote provider.
 */
class TickProducerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "app";
    private static final String PASSWORD = "scram-pw-91c3e7";
    private static final String API_KEY = "quote-key-77d0b2";
    private static final String SCRAM_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_app-AbCdEf";
    private static final String WRONG_SCRAM_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_wrong-AbCdEf";
    private static final String API_KEY_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:quote-api-AbCdEf";
    private static final String ROTATING_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_rotating-AbCdEf";
    private static final String ROTATING_USER = "rotating";
    private static final String PASSWORD_BEFORE = "before-rotation-5e1a";
    private static final String PASSWORD_AFTER = "after-rotation-9b7c";

    private static KafkaBroker broker;
    private static WireMockServer aws;
    private static LogCapture logs;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        logs = LogCapture.attach();
        broker = KafkaBroker.start(USER, PASSWORD);
        aws = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        aws.start();
        stubSecret(SCRAM_ARN, Map.of("username", USER, "password", PASSWORD));
        stubSecret(WRONG_SCRAM_ARN, Map.of("username", USER, "password", "not-" + PASSWORD));
        stubSecret(API_KEY_ARN, Map.of("apiKey", API_KEY));
    }

    @AfterAll
    static void stop() {
        try {
            logs.assertNoneContains(PASSWORD);
            logs.assertNoneContains(API_KEY);
            logs.assertNoneContains(PASSWORD_BEFORE);
            logs.assertNoneContains(PASSWORD_AFTER);
        } finally {
            logs.close();
            if (aws != null) {
                aws.stop();
            }
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    void simulatedTicksLandKeyedBySymbolInOrderPerSymbol() throws Exception {
        String topic = newTopic();
        Map<String, String> env = env(topic, SCRAM_ARN);
        env.put("SYMBOLS", "AMZN,MSFT,GOOG");
        env.put("TICK_INTERVAL_MS", "100");
        env.put("RUN_SECONDS", "1");
        env.put("QUOTE_SEED", "42");

        long start = System.nanoTime();
        Map<String, Object> result;
        // Powertools writes its CloudWatch metrics (EMF) to stdout when it flushes.
        PrintStream stdout = System.out;
        ByteArrayOutputStream emf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(emf, true, StandardCharsets.UTF_8));
        try {
            result = invoke(env);
        } finally {
            System.setOut(stdout);
        }
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();

        assertEquals(Map.of("AMZN", 10, "MSFT", 10, "GOOG", 10), result.get("ticksPerSymbol"));
        assertTrue(emf.toString(StandardCharsets.UTF_8).contains("\"TicksPublished\":30.0"), emf.toString(StandardCharsets.UTF_8));
        assertEquals(10, result.get("rounds"));
        assertTrue(elapsedMillis >= 900, "rounds are spread over the run, took " + elapsedMillis + " ms");

        Map<String, List<ConsumerRecord<String, String>>> bySymbol = consume(topic, 30);
        assertEquals(List.of("AMZN", "GOOG", "MSFT"), bySymbol.keySet().stream().sorted().toList());
        SimulatedQuotes sameSeed = new SimulatedQuotes(42, Clock.systemUTC());
        for (var entry : bySymbol.entrySet()) {
            List<ConsumerRecord<String, String>> records = entry.getValue();
            assertEquals(10, records.size());
            assertEquals(1, records.stream().map(ConsumerRecord::partition).distinct().count(), "one partition per symbol");
            double previousVolume = 0;
            Instant previousTime = Instant.EPOCH;
            long previousSequence = 0;
            for (ConsumerRecord<String, String> record : records) {
                JsonNode tick = JSON.readTree(record.value());
                assertEquals(entry.getKey(), tick.get("symbol").asText());
                assertTrue(tick.get("volume").asDouble() > previousVolume, "in order: volume grows");
                Instant time = Instant.parse(tick.get("timestamp").asText());
                assertFalse(time.isBefore(previousTime), "in order: time never goes back");
                assertEquals(sameSeed.next(entry.getKey()).price(), tick.get("price").asDouble(), "deterministic for the seed");
                long sequence = tick.get("sequence").asLong();
                assertTrue(sequence > previousSequence, "sequence strictly increasing per symbol");
                assertTrue(previousSequence == 0 || sequence - previousSequence == 100,
                        "sequence is the round's due time, one interval after the previous: " + previousSequence + ", " + sequence);
                assertTrue(sequence <= time.toEpochMilli(), "the tick is taken when its round is due, not before");
                if (previousSequence == 0) {
                    assertFalse(tick.has("previousSequence"), "a fresh environment does not know the last one: " + tick);
                } else {
                    assertEquals(previousSequence, tick.get("previousSequence").asLong(), "chained to the previous tick");
                    assertTrue(tick.get("previousSequence").isIntegralNumber(), tick.toString());
                }
                previousSequence = sequence;
                previousVolume = tick.get("volume").asDouble();
                previousTime = time;
            }
        }
        assertTrue(logs.texts().stream().anyMatch(e -> e.contains("Instantiated an idempotent producer")),
                "the Kafka client's own logs are captured too");
        assertTrue(logs.texts().stream().anyMatch(e -> e.contains("Published ticks")));
    }

    @Test
    void wrongCredentialsFailTheInvocationFast() {
        String topic = newTopic();
        Map<String, String> env = env(topic, WRONG_SCRAM_ARN);
        env.put("RUN_SECONDS", "5");
        env.put("TICK_INTERVAL_MS", "100");

        long start = System.nanoTime();
        TickPublishException e = assertThrows(TickPublishException.class, () -> invoke(env));
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();

        assertTrue(e.getMessage().startsWith("Publishing ticks to topic '" + topic + "' failed after 0 acknowledged: SaslAuthenticationException"),
                e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD));
        assertTrue(elapsedMillis < 4_000, "failed after " + elapsedMillis + " ms");
    }

    @Test
    void httpQuotesFlowToTheTopicWithTheKeyFromSecretsManager() throws Exception {
        String topic = newTopic();
        for (String symbol : List.of("AMZN", "MSFT")) {
            aws.stubFor(get(urlPathEqualTo("/quote")).withQueryParam("symbol", equalTo(symbol))
                    .withHeader(HttpQuotes.API_KEY_HEADER, equalTo(API_KEY))
                    .willReturn(okJson("{\"price\":101.5,\"open\":100,\"high\":102,\"low\":99.5,\"volume\":5000}")));
        }
        Map<String, String> env = env(topic, SCRAM_ARN);
        env.put("QUOTE_SOURCE", "http");
        env.put("QUOTE_API_URL", aws.baseUrl() + "/quote");
        env.put("QUOTE_API_SECRET_ARN", API_KEY_ARN);
        env.put("TICK_INTERVAL_MS", "250");
        env.put("RUN_SECONDS", "1");

        Map<String, Object> result = invoke(env);

        assertEquals(Map.of("AMZN", 4, "MSFT", 4), result.get("ticksPerSymbol"));
        Map<String, List<ConsumerRecord<String, String>>> bySymbol = consume(topic, 8);
        JsonNode tick = JSON.readTree(bySymbol.get("MSFT").get(0).value());
        assertEquals("MSFT", tick.get("symbol").asText());
        assertEquals(101.5, tick.get("price").asDouble());
        aws.verify(4, getRequestedFor(urlPathEqualTo("/quote")).withQueryParam("symbol", equalTo("AMZN"))
                .withHeader(HttpQuotes.API_KEY_HEADER, equalTo(API_KEY)));
    }

    @Test
    void quoteProviderRejectingTheKeyFailsTheInvocation() {
        String topic = newTopic();
        aws.stubFor(get(urlPathEqualTo("/rejecting")).willReturn(aResponse().withStatus(403)));
        Map<String, String> env = env(topic, SCRAM_ARN);
        env.put("QUOTE_SOURCE", "http");
        env.put("QUOTE_API_URL", aws.baseUrl() + "/rejecting");
        env.put("QUOTE_API_SECRET_ARN", API_KEY_ARN);

        TickPublishException e = assertThrows(TickPublishException.class, () -> invoke(env));
        assertEquals("Quote provider rejected the API key (HTTP 403) for AMZN", e.getMessage());
    }

    @Test
    void underSnapStartTheKafkaProducerIsCreatedAtTheFirstInvocationNotBeforeTheSnapshot() {
        String topic = newTopic();
        Map<String, String> snapStart = env(topic, SCRAM_ARN);
        snapStart.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
        snapStart.put("TICK_INTERVAL_MS", "500");
        try (TickProducer producer = TickProducer.create(TickProducerConfig.fromEnv(snapStart), MetricsFactory.getMetricsInstance())) {
            assertFalse(producer.connected());
            Map<String, Object> result = new TickProducerHandler(producer).handleRequest(Map.of(), new TestContext("tick-producer", 11_500));
            assertTrue(producer.connected());
            assertEquals(Map.of("AMZN", 2, "MSFT", 2), result.get("ticksPerSymbol"));
        }
        Map<String, String> onDemand = env(topic, SCRAM_ARN);
        onDemand.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        try (TickProducer producer = TickProducer.create(TickProducerConfig.fromEnv(onDemand), MetricsFactory.getMetricsInstance())) {
            assertTrue(producer.connected(), "created once, at init");
        }
    }

    @Test
    void rotatedScramPasswordIsReadAgainAfterTheAuthenticationFailureAndTheRunRecovers() throws Exception {
        setScramPassword(ROTATING_USER, PASSWORD_BEFORE);
        stubSecret(ROTATING_ARN, Map.of("username", ROTATING_USER, "password", PASSWORD_BEFORE));
        String topic = newTopic();
        Map<String, String> env = env(topic, ROTATING_ARN);
        // Credentials read at init, the Kafka producer created at the first invocation: as in a snapshot.
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
        env.put("TICK_INTERVAL_MS", "200");
        env.put("RUN_SECONDS", "2");
        try (TickProducer producer = TickProducer.create(TickProducerConfig.fromEnv(env), MetricsFactory.getMetricsInstance())) {
            // The password is rotated after the snapshot: the broker and the secret hold the new one.
            setScramPassword(ROTATING_USER, PASSWORD_AFTER);
            stubSecret(ROTATING_ARN, Map.of("username", ROTATING_USER, "password", PASSWORD_AFTER));

            Map<String, Object> result = new TickProducerHandler(producer).handleRequest(Map.of(), new TestContext("tick-producer", 11_500));

            int sent = (Integer) result.get("ticksSent");
            assertTrue(sent >= 2, "ticks published after the reconnect: " + result);
            consume(topic, sent);
        }
        aws.verify(2, postRequestedFor(urlEqualTo("/"))
                .withRequestBody(matchingJsonPath("$.SecretId", equalTo(ROTATING_ARN))));
        assertTrue(logs.texts().stream().anyMatch(e -> e.contains("holds new ones (rotated): reconnecting")));
    }

    /**
     * Without a reserved concurrency of 1, two runs of one schedule slot can overlap (EventBridge
     * delivers an event at least once; Lambda retries a throttled asynchronous event until its
     * maximum age). Two environments run the same event at once, a third joins it halfway, and a
     * fourth gets it after the slot ended. What a subscriber gets is modelled by the
     * {@code publishTick} resolver's rule (a tick is stored and broadcast only above its symbol's
     * stored sequence), applied in each partition's order as the consumer delivers it.
     */
    @Test
    void overlappingRunsOfOneSlotReachSubscribersAsOneTickPerSymbolAndRoundInOrder() throws Exception {
        String topic = newTopic();
        List<TickProducer> environments = new ArrayList<>();
        ExecutorService runs = Executors.newFixedThreadPool(3);
        try {
            for (int seed = 1; seed <= 4; seed++) {
                Map<String, String> env = env(topic, SCRAM_ARN);
                env.put("TICK_INTERVAL_MS", "400");
                env.put("RUN_SECONDS", "4");
                // Each environment walks its own prices, as unseeded ones do on AWS.
                env.put("QUOTE_SEED", Integer.toString(seed));
                environments.add(TickProducer.create(TickProducerConfig.fromEnv(env), MetricsFactory.getMetricsInstance()));
            }
            // EventBridge's scheduled event: time in whole seconds; the slot starts a little ahead so
            // both on-time runs are waiting for it.
            Instant slot = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
            Map<String, Object> event = Map.of("detail-type", "Scheduled Event", "source", "aws.events",
                    "time", slot.toString(), "detail", Map.of());
            Future<Map<String, Object>> first = runs.submit(() -> invoke(environments.get(0), event));
            Future<Map<String, Object>> second = runs.submit(() -> invoke(environments.get(1), event));
            Future<Map<String, Object>> halfway = runs.submit(() -> {
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), slot.plusMillis(2_200)).toMillis()));
                return invoke(environments.get(2), event);
            });
            assertEquals(10, first.get(30, TimeUnit.SECONDS).get("rounds"));
            assertEquals(10, second.get(30, TimeUnit.SECONDS).get("rounds"));
            Map<String, Object> joined = halfway.get(30, TimeUnit.SECONDS);
            assertEquals(5, joined.get("rounds"), "joined in round 6 of 10 and emitted only the rest of the slot: " + joined);
            // Lambda retries a throttled event for up to its maximum age: this one comes after the slot.
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), slot.plusMillis(4_100)).toMillis()));
            Map<String, Object> late = invoke(environments.get(3), event);
            assertEquals(0, late.get("rounds"), "a run of an ended slot emits nothing: " + late);
            assertEquals(0, late.get("ticksSent"));

            Map<String, List<ConsumerRecord<String, String>>> bySymbol = consume(topic, 2 * (10 + 10 + 5));
            for (var entry : bySymbol.entrySet()) {
                List<Long> delivered = new ArrayList<>();
                int refused = 0;
                for (ConsumerRecord<String, String> record : entry.getValue()) {
                    JsonNode tick = JSON.readTree(record.value());
                    long sequence = tick.get("sequence").asLong();
                    if (delivered.isEmpty() || sequence > delivered.get(delivered.size() - 1)) {
                        delivered.add(sequence);
                    } else {
                        refused++;
                    }
                }
                List<Long> rounds = new ArrayList<>();
                for (int k = 0; k < 10; k++) {
                    rounds.add(slot.toEpochMilli() + k * 400L);
                }
                assertEquals(rounds, delivered, entry.getKey() + ": one tick per round of the slot, in order, none missing");
                assertEquals(25 - 10, refused, entry.getKey() + ": the other runs' ticks of those rounds are StaleTick");
            }
        } finally {
            runs.shutdownNow();
            environments.forEach(TickProducer::close);
        }
    }

    @Test
    void aCanaryEventWritesExactlyThatTickKeyedBySymbolAndAnswersWhere() throws Exception {
        String topic = newTopic();
        Map<String, String> env = env(topic, SCRAM_ARN);
        Map<String, Object> result;
        try (TickProducer producer = TickProducer.create(TickProducerConfig.fromEnv(env), MetricsFactory.getMetricsInstance())) {
            result = invoke(producer, Map.of("canaryTick", Map.of("symbol", "ZZVERIFY", "sequence", 1_767_000_000_123L)));
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> written = (Map<String, Object>) result.get("canaryTick");
        assertEquals("ZZVERIFY", written.get("symbol"));
        assertEquals(1_767_000_000_123L, written.get("sequence"));
        assertEquals(topic, written.get("topic"));
        Map<String, List<ConsumerRecord<String, String>>> bySymbol = consume(topic, 1);
        ConsumerRecord<String, String> record = bySymbol.get("ZZVERIFY").get(0);
        assertEquals(((Number) written.get("partition")).intValue(), record.partition());
        assertEquals(((Number) written.get("offset")).longValue(), record.offset());
        JsonNode tick = JSON.readTree(record.value());
        assertEquals(1_767_000_000_123L, tick.get("sequence").asLong());
        assertTrue(tick.get("sequence").isIntegralNumber(), record.value());
        assertEquals(List.of("symbol", "price", "open", "high", "low", "volume", "timestamp", "sequence"),
                iterable(tick.fieldNames()), "the TickInput fields but previousSequence, which a canary tick has none of");
    }

    @Test
    void aRefusedCanaryEventWritesNothingAndFailsTheInvocationWithItsReason() throws Exception {
        String topic = newTopic();
        Map<String, String> env = env(topic, SCRAM_ARN);
        try (TickProducer producer = TickProducer.create(TickProducerConfig.fromEnv(env), MetricsFactory.getMetricsInstance())) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> invoke(producer,
                    Map.of("canaryTick", Map.of("symbol", "AMZN", "sequence", 1_767_000_000_123L))));
            assertTrue(refused.getMessage().startsWith("Refused canary event: symbol 'AMZN'"), refused.getMessage());
        }
        consume(topic, 0);
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    private static Map<String, Object> invoke(TickProducer producer, Map<String, Object> event) {
        return new TickProducerHandler(producer).handleRequest(event, new TestContext("tick-producer", 20_000));
    }

    /** Creates or changes a SCRAM user on the broker, as MSK does when the associated secret changes. */
    private static void setScramPassword(String user, String password) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get(30, TimeUnit.SECONDS);
        }
        // The broker applies the change from its metadata log: wait until the password works.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Properties props = broker.clientProperties(user, password);
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
            try (Admin admin = Admin.create(props)) {
                admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static Map<String, Object> invoke(Map<String, String> env) {
        try (TickProducer producer = TickProducer.create(TickProducerConfig.fromEnv(env), MetricsFactory.getMetricsInstance())) {
            // Lambda allows 11.5 s more: the run is the configured one, well inside the margin.
            return new TickProducerHandler(producer).handleRequest(Map.of(), new TestContext("tick-producer", 11_500));
        }
    }

    private static Map<String, String> env(String topic, String scramSecretArn) {
        Map<String, String> env = new HashMap<>();
        env.put("BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.put("SCRAM_SECRET_ARN", scramSecretArn);
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.baseUrl());
        env.put("TOPIC", topic);
        env.put("SYMBOLS", "AMZN,MSFT");
        env.put("RUN_SECONDS", "1");
        return env;
    }

    private static String newTopic() {
        String topic = "ticks-" + UUID.randomUUID();
        broker.createTopic(topic, 3);
        return topic;
    }

    private static Map<String, List<ConsumerRecord<String, String>>> consume(String topic, int expected) {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, List<ConsumerRecord<String, String>>> bySymbol = new LinkedHashMap<>();
        int count = 0;
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (count < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    bySymbol.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
                    count++;
                }
            }
            // Nothing more than expected arrives.
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                bySymbol.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
                count++;
            }
        }
        assertEquals(expected, count, "records on " + topic);
        return bySymbol;
    }

    private static void stubSecret(String arn, Map<String, String> secret) throws Exception {
        String body = JSON.writeValueAsString(Map.of(
                "ARN", arn,
                "Name", arn.substring(arn.lastIndexOf(':') + 1),
                "VersionId", "00000000-0000-0000-0000-000000000001",
                "SecretString", JSON.writeValueAsString(secret),
                "VersionStages", List.of("AWSCURRENT"),
                "CreatedDate", 1.7e9));
        aws.stubFor(post("/")
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withRequestBody(matchingJsonPath("$.SecretId", equalTo(arn)))
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(body.getBytes(StandardCharsets.UTF_8))));
    }
}
