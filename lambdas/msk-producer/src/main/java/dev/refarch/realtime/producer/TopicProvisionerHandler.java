package dev.refarch.realtime.producer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * The {@code Custom::KafkaTopic} resource's handler, behind the CDK custom resource provider:
 * Create and Update make the topic exist ({@link TopicProvisioner}); Delete leaves it to go
 * with its cluster, so a stack update that renames the topic never drops ticks.
 * Configuration: {@link TopicProvisionerConfig}.
 */
public final class TopicProvisionerHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final TopicProvisionerConfig config;
    /** Why the environment is unusable; reported on Create and Update, never on Delete. */
    private final RuntimeException configProblem;

    public TopicProvisionerHandler() {
        this(System.getenv());
    }

    TopicProvisionerHandler(Map<String, String> environment) {
        TopicProvisionerConfig read = null;
        RuntimeException problem = null;
        try {
            read = TopicProvisionerConfig.fromEnv(environment);
        } catch (IllegalStateException e) {
            // Kept, not thrown at init: a Delete must still succeed, or the stack could not be removed.
            problem = e;
        }
        this.config = read;
        this.configProblem = problem;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        String requestType = String.valueOf(event.get("RequestType"));
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) event.getOrDefault("ResourceProperties", Map.of());
        String topic = required(properties, "Topic");
        Map<String, Object> response = new HashMap<>();
        response.put("PhysicalResourceId", topic);
        if (requestType.equals("Delete")) {
            return response;
        }
        int partitions = Integer.parseInt(required(properties, "Partitions"));
        int replicas = Integer.parseInt(required(properties, "ReplicationFactor"));
        if (configProblem != null) {
            throw configProblem;
        }
        try (Admin admin = Admin.create(adminProperties())) {
            TopicProvisioner.Outcome outcome = new TopicProvisioner(admin).ensure(topic, partitions, replicas);
            response.put("Data", Map.of("Outcome", outcome.name()));
        }
        return response;
    }

    private java.util.Properties adminProperties() {
        ScramCredentials credentials;
        try (SecretsManagerClient secretsManager = secretsManager()) {
            credentials = new Secrets(secretsManager).scramCredentials(config.scramSecretArn());
        }
        java.util.Properties properties = MskProducerProperties.client(config.bootstrapServers(),
                config.securityProtocol(), credentials, "topic-provisioner");
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        return properties;
    }

    private SecretsManagerClient secretsManager() {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(5)).build());
        config.secretsManagerEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static String required(Map<String, Object> properties, String name) {
        Object value = properties.get(name);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("resource property " + name + " is required");
        }
        return value.toString();
    }
}
