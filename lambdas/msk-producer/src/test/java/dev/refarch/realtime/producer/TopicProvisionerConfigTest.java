package dev.refarch.realtime.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicProvisionerConfigTest {

    @Test
    void readsTheVariablesWithSaslSslByDefault() {
        TopicProvisionerConfig config = TopicProvisionerConfig.fromEnv(Map.of("BOOTSTRAP_SERVERS", "b-1:9096",
                "SCRAM_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:0:secret:AmazonMSK_x"));
        assertEquals("b-1:9096", config.bootstrapServers());
        assertEquals("SASL_SSL", config.securityProtocol());
        assertEquals(Optional.empty(), config.secretsManagerEndpoint());
    }

    @Test
    void localEndpointAndPlaintextAreAccepted() {
        TopicProvisionerConfig config = TopicProvisionerConfig.fromEnv(Map.of("BOOTSTRAP_SERVERS", "127.0.0.1:9092",
                "SCRAM_SECRET_ARN", "arn", "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:4566"));
        assertEquals("SASL_PLAINTEXT", config.securityProtocol());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), config.secretsManagerEndpoint());
    }

    @Test
    void everyProblemIsNamedInOneMessage() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TopicProvisionerConfig.fromEnv(
                Map.of("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "ftp://x")));
        for (String expected : new String[] {"BOOTSTRAP_SERVERS is required", "SCRAM_SECRET_ARN is required",
                "KAFKA_SECURITY_PROTOCOL=PLAINTEXT is not allowed", "AWS_ENDPOINT_URL_SECRETS_MANAGER=ftp://x"}) {
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }
}
