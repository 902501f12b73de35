package dev.refarch.realtime.rotator;

import java.util.Objects;

/**
 * A TMDb credential: a v3 API key (sent as the {@code api_key} query parameter) or a v4 read
 * access token (a JWT, sent as {@code Authorization: Bearer}). {@link #toString()} never shows it.
 */
public final class TmdbApiKey {

    private final String value;

    public TmdbApiKey(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("empty TMDb key");
        }
        this.value = value.strip();
    }

    /** Whether this is a v4 read access token (JWTs start with the base64 of {@code {"}). */
    public boolean isBearerToken() {
        return value.startsWith("eyJ");
    }

    /** The secret itself: for the HTTP request only, never for logs. */
    String value() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TmdbApiKey key && key.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return isBearerToken() ? "TmdbApiKey[bearer token, redacted]" : "TmdbApiKey[api_key, redacted]";
    }
}
