package dev.refarch.realtime.rotator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The TMDb key from Secrets Manager, whose value is {@code {"tmdbApiKey": "..."}} (other keys
 * are ignored). A present key is cached until {@link #invalidate()}; a missing one is not, so
 * the tick after an operator sets it picks it up. Never logs or reports the value.
 */
public final class TmdbKeySource {

    /** The JSON field of the secret that holds the key. */
    public static final String FIELD = "tmdbApiKey";

    private final SecretsManagerClient secrets;
    private final String secretArn;
    private final ObjectMapper json = new ObjectMapper();
    private volatile TmdbApiKey cached;

    public TmdbKeySource(SecretsManagerClient secrets, String secretArn) {
        this.secrets = secrets;
        this.secretArn = secretArn;
    }

    /** The ARN read, for messages. */
    public String secretArn() {
        return secretArn;
    }

    /**
     * The key, from the cache or Secrets Manager; empty when the secret holds none.
     *
     * @throws SecretUnavailableException when Secrets Manager cannot be read
     */
    public Optional<TmdbApiKey> key() {
        TmdbApiKey key = cached;
        if (key != null) {
            return Optional.of(key);
        }
        key = read();
        cached = key;
        return Optional.ofNullable(key);
    }

    /** Drops the cached key, e.g. after TMDb answered 401 (the secret may have been rotated). */
    public void invalidate() {
        cached = null;
    }

    private TmdbApiKey read() {
        String value;
        try {
            value = secrets.getSecretValue(r -> r.secretId(secretArn)).secretString();
        } catch (SdkException e) {
            // SDK messages name the request, never the secret value.
            throw new SecretUnavailableException("cannot read secret " + secretArn + ": " + e.getMessage(), e);
        }
        if (value == null || value.isBlank()) {
            return null;
        }
        JsonNode root;
        try {
            root = json.readTree(value);
        } catch (IOException e) {
            // The message of a parse error quotes the input: do not pass it on.
            throw new SecretUnavailableException("secret " + secretArn + " is not JSON; expected {\"" + FIELD
                    + "\":\"...\"}", null);
        }
        JsonNode field = root == null ? null : root.get(FIELD);
        if (field == null || !field.isTextual() || field.asText().isBlank()) {
            return null;
        }
        return new TmdbApiKey(field.asText());
    }

    /** Secrets Manager could not be read (or the value is not JSON). */
    public static final class SecretUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SecretUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
