package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local Secrets Manager endpoint answering {@code GetSecretValue} in the service's JSON protocol
 * ({@code POST /}, {@code X-Amz-Target: secretsmanager.GetSecretValue}, {@code {"SecretId": ...}}),
 * so the functions run their real secret-reading code through {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}.
 * A secret is found by its ARN or name; an unknown one gets {@code ResourceNotFoundException}.
 */
final class SecretsManagerComponent extends InProcessHttpComponent {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET = "secretsmanager.GetSecretValue";

    private final Map<String, Secret> secrets = new ConcurrentHashMap<>();

    private record Secret(String arn, String name, String value) {
    }

    SecretsManagerComponent(LocalSettings settings) {
        super(settings, "secretsmanager");
    }

    /** Stores a secret and returns its ARN. */
    String put(String name, Map<String, String> value) {
        String arn = settings.secretArn(name);
        try {
            Secret secret = new Secret(arn, name, JSON.writeValueAsString(value));
            secrets.put(arn, secret);
            secrets.put(name, secret);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return arn;
    }

    URI endpoint() {
        return URI.create(settings.loopback(port));
    }

    @Override
    public void start() throws IOException {
        listen(2, server -> server.createContext("/", this::handle));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            if (!"POST".equals(exchange.getRequestMethod()) || !TARGET.equals(target)) {
                respond(exchange, 400, error("UnknownOperationException", "only GetSecretValue is served locally, got "
                        + target));
                return;
            }
            String id = request == null ? "" : request.path("SecretId").asText("");
            Secret secret = secrets.get(id);
            if (secret == null) {
                respond(exchange, 400, error("ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret."));
                return;
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("ARN", secret.arn());
            body.put("Name", secret.name());
            body.put("SecretString", secret.value());
            body.put("VersionId", UUID.nameUUIDFromBytes(secret.value().getBytes(StandardCharsets.UTF_8)).toString());
            body.putArray("VersionStages").add("AWSCURRENT");
            body.put("CreatedDate", 1.7e9);
            respond(exchange, 200, body);
        }
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        return body;
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }


    @Override
    public String readyDetail() {
        return endpoint() + " secrets " + secrets.values().stream().map(Secret::name).distinct().sorted().toList();
    }

}
