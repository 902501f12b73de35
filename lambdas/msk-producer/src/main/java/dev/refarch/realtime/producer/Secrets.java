package dev.refarch.realtime.producer;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Reads the producer's JSON secrets from Secrets Manager. Error messages name the secret and the
 * missing field, never a value: a JSON parser's message would quote the secret, so it is dropped.
 */
public final class Secrets {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SecretsManagerClient client;

    public Secrets(SecretsManagerClient client) {
        this.client = client;
    }

    /** An MSK SCRAM secret: {@code {"username": "...", "password": "..."}}. */
    public ScramCredentials scramCredentials(String secretArn) {
        JsonNode json = read(secretArn);
        return new ScramCredentials(field(json, "username", secretArn), field(json, "password", secretArn));
    }

    /** A quote provider key: {@code {"apiKey": "..."}}. */
    public String apiKey(String secretArn) {
        return field(read(secretArn), "apiKey", secretArn);
    }

    private JsonNode read(String secretArn) {
        GetSecretValueResponse response = client.getSecretValue(b -> b.secretId(secretArn));
        String secret = response.secretString();
        if (secret == null) {
            throw new IllegalStateException("Secret " + secretArn + " has no SecretString");
        }
        try {
            JsonNode json = MAPPER.readTree(secret);
            if (json != null && json.isObject()) {
                return json;
            }
        } catch (IOException e) {
            // The parser's message quotes the secret: reported below without it.
        }
        throw new IllegalStateException("Secret " + secretArn + " is not a JSON object");
    }

    private static String field(JsonNode json, String name, String secretArn) {
        JsonNode value = json.get(name);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalStateException("Secret " + secretArn + " has no string field '" + name + "'");
        }
        return value.asText();
    }
}
