package dev.refarch.realtime.producer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.refarch.realtime.msk.testing.KafkaBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The topic custom resource against a real SCRAM broker, with WireMock as Secrets Manager. */
class TopicProvisionerHandlerTest {

    private static final String USER = "realtime";
    private static final String PASSWORD = "topic-test-password";
    private static final String ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_topics-AbCdEf";

    private static KafkaBroker broker;
    private static WireMockServer aws;
    private static TopicProvisionerHandler handler;

    @BeforeAll
    static void start() {
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        broker = KafkaBroker.start(USER, PASSWORD);
        aws = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        aws.start();
        aws.stubFor(post("/").withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ARN\":\"" + ARN + "\",\"Name\":\"AmazonMSK_topics\",\"SecretString\":"
                                + "\"{\\\"username\\\":\\\"" + USER + "\\\",\\\"password\\\":\\\"" + PASSWORD + "\\\"}\"}")));
        handler = new TopicProvisionerHandler(Map.of(
                "BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "SCRAM_SECRET_ARN", ARN,
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.baseUrl()));
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.stop();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, Object> event(String type, String topic, int partitions) {
        return Map.of("RequestType", type, "ResourceProperties",
                Map.of("Topic", topic, "Partitions", Integer.toString(partitions), "ReplicationFactor", "1"));
    }

    private static TopicDescription describe(String topic) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        }
    }

    @Test
    void createMakesTheTopicAndRedeployChangesNothing() throws Exception {
        Map<String, Object> created = handler.handleRequest(event("Create", "ticks-a", 4), null);
        assertEquals("ticks-a", created.get("PhysicalResourceId"));
        assertEquals(Map.of("Outcome", "CREATED"), created.get("Data"));
        assertEquals(4, describe("ticks-a").partitions().size());

        Map<String, Object> again = handler.handleRequest(event("Update", "ticks-a", 4), null);
        assertEquals(Map.of("Outcome", "UNCHANGED"), again.get("Data"));
        try (Admin admin = Admin.create(broker.clientProperties())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "ticks-a");
            String minIsr = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                    .get(resource).get("min.insync.replicas").value();
            assertEquals("1", minIsr);
        }
    }

    @Test
    void updateWithMorePartitionsGrowsTheTopicButNeverShrinksIt() throws Exception {
        handler.handleRequest(event("Create", "ticks-b", 2), null);
        assertEquals(Map.of("Outcome", "GREW"), handler.handleRequest(event("Update", "ticks-b", 6), null).get("Data"));
        assertEquals(6, describe("ticks-b").partitions().size());
        assertEquals(Map.of("Outcome", "UNCHANGED"), handler.handleRequest(event("Update", "ticks-b", 3), null).get("Data"));
        assertEquals(6, describe("ticks-b").partitions().size());
    }

    @Test
    void deleteLeavesTheTopicToItsCluster() throws Exception {
        handler.handleRequest(event("Create", "ticks-c", 1), null);
        Map<String, Object> deleted = handler.handleRequest(event("Delete", "ticks-c", 1), null);
        assertEquals("ticks-c", deleted.get("PhysicalResourceId"));
        assertEquals(1, describe("ticks-c").partitions().size());
    }

    @Test
    void missingPropertyOrBadCredentialsFailTheEventClearly() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> handler.handleRequest(
                Map.of("RequestType", "Create", "ResourceProperties", Map.of("Topic", "x")), null));
        assertTrue(missing.getMessage().contains("Partitions"), missing.getMessage());

        TopicProvisionerHandler wrongBroker = new TopicProvisionerHandler(Map.of(
                "SCRAM_SECRET_ARN", ARN, "AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.baseUrl()));
        IllegalStateException noBrokers = assertThrows(IllegalStateException.class,
                () -> wrongBroker.handleRequest(event("Create", "ticks-d", 1), null));
        assertTrue(noBrokers.getMessage().contains("BOOTSTRAP_SERVERS"), noBrokers.getMessage());
        // A Delete never depends on the environment, so a broken one cannot block removing the stack.
        assertEquals("ticks-d", wrongBroker.handleRequest(event("Delete", "ticks-d", 1), null).get("PhysicalResourceId"));
    }
}
