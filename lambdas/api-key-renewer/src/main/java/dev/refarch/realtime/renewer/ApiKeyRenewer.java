package dev.refarch.realtime.renewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncRequestSigner;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Extends the API key's expiry to {@link RenewerConfig#validDays()} from the start of the current
 * hour, with AppSync's {@code UpdateApiKey} (POST {@code /v1/apis/{apiId}/apikeys/{id}}, signed
 * with SigV4 for service {@code appsync}). Starting from the hour keeps the new expiry within
 * AppSync's 365-day limit (it rounds expiries down to the hour itself). Run daily, the key is
 * always at least {@code validDays - 1} days from lapsing.
 */
public final class ApiKeyRenewer {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyRenewer.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final RenewerConfig config;
    private final Clock clock;
    private final HttpClient http;
    private final AppSyncRequestSigner signer;
    private final ObjectMapper json = new ObjectMapper();

    public ApiKeyRenewer(RenewerConfig config, AwsCredentialsProvider credentials, Clock clock) {
        this.config = config;
        this.signer = new AppSyncRequestSigner(credentials, config.region(), clock);
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    /** Sets the new expiry and returns it as AppSync reports it. */
    public Instant renew() {
        Instant expires = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofDays(config.validDays()));
        byte[] body;
        try {
            body = json.writeValueAsBytes(Map.of("expires", expires.getEpochSecond()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the request", e);
        }
        URI uri = config.endpoint().resolve("/v1/apis/" + encode(config.apiId()) + "/apikeys/" + encode(config.apiKeyId()));
        HttpResponse<byte[]> response;
        try {
            response = http.send(signer.post(uri, body, TIMEOUT), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ApiKeyRenewalException("UpdateApiKey for API " + config.apiId() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiKeyRenewalException("interrupted while renewing the API key of " + config.apiId(), e);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            // AppSync's error type and message name the problem (e.g. AccessDeniedException, ApiKeyValidityOutOfBoundsException).
            String type = response.headers().firstValue("x-amzn-ErrorType").orElse(answer.path("__type").asText("?"));
            throw new ApiKeyRenewalException("UpdateApiKey for API " + config.apiId() + " answered "
                    + response.statusCode() + " " + type + ": " + answer.path("message").asText(""));
        }
        Instant confirmed = Instant.ofEpochSecond(answer.at("/apiKey/expires").asLong(expires.getEpochSecond()));
        // The key id is the public key itself: logged by API only.
        LOG.info("API key renewed: API {} key expires {}", config.apiId(), confirmed);
        return confirmed;
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode node = body.length == 0 ? null : json.readTree(body);
            return node == null ? json.createObjectNode() : node;
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
