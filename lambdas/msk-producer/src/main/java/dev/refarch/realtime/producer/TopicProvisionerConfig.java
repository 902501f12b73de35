package dev.refarch.realtime.producer;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The topic provisioner's configuration, read once from the environment the CDK stack sets.
 * Names and ARNs only: the SCRAM credentials are read from Secrets Manager.
 *
 * @param bootstrapServers       {@code BOOTSTRAP_SERVERS}
 * @param scramSecretArn         {@code SCRAM_SECRET_ARN}: secret {@code {"username":..,"password":..}}
 * @param securityProtocol       {@code KAFKA_SECURITY_PROTOCOL}: {@code SASL_SSL} (default) or {@code SASL_PLAINTEXT}
 * @param secretsManagerEndpoint {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}: a local stand-in; unset on AWS
 */
public record TopicProvisionerConfig(String bootstrapServers, String scramSecretArn, String securityProtocol,
                                     Optional<URI> secretsManagerEndpoint) {

    /**
     * Reads and validates every variable; one exception lists every problem, naming the variable,
     * its value and what is allowed.
     */
    public static TopicProvisionerConfig fromEnv(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        String bootstrap = required(env, "BOOTSTRAP_SERVERS", problems);
        String secret = required(env, "SCRAM_SECRET_ARN", problems);
        String protocol = optional(env, "KAFKA_SECURITY_PROTOCOL").orElse("SASL_SSL");
        if (!TickProducerConfig.PROTOCOLS.contains(protocol)) {
            problems.add("KAFKA_SECURITY_PROTOCOL=" + protocol + " is not allowed: expected one of "
                    + TickProducerConfig.PROTOCOLS);
        }
        Optional<URI> endpoint = Optional.empty();
        Optional<String> endpointText = optional(env, "AWS_ENDPOINT_URL_SECRETS_MANAGER");
        if (endpointText.isPresent()) {
            try {
                URI uri = URI.create(endpointText.get());
                if (uri.getHost() == null || !List.of("http", "https").contains(uri.getScheme())) {
                    throw new IllegalArgumentException("not http(s)");
                }
                endpoint = Optional.of(uri);
            } catch (IllegalArgumentException e) {
                problems.add("AWS_ENDPOINT_URL_SECRETS_MANAGER=" + endpointText.get()
                        + " is not allowed: expected an http(s) URL");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid topic provisioner configuration: " + String.join("; ", problems));
        }
        return new TopicProvisionerConfig(bootstrap, secret, protocol, endpoint);
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static String required(Map<String, String> env, String name, List<String> problems) {
        Optional<String> value = optional(env, name);
        if (value.isEmpty()) {
            problems.add(name + " is required");
        }
        return value.orElse(null);
    }
}
