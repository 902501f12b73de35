package dev.refarch.realtime.renewer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The renewer against a WireMock stand-in for AppSync's control plane (UpdateApiKey). */
class ApiKeyRenewerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T08:47:13Z"), ZoneOffset.UTC);
    private static final String PATH = "/v1/apis/api123/apikeys/da2-publickey";

    private final WireMockServer appSync = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

    @BeforeEach
    void start() {
        appSync.start();
    }

    @AfterEach
    void stop() {
        appSync.stop();
    }

    private ApiKeyRenewer renewer(int validDays) {
        RenewerConfig config = RenewerConfig.fromEnvironment(Map.of("API_ID", "api123", "API_KEY_ID", "da2-publickey",
                "AWS_REGION", "eu-west-1", "VALID_DAYS", Integer.toString(validDays),
                "APPSYNC_ENDPOINT", "http://127.0.0.1:" + appSync.port()));
        return new ApiKeyRenewer(config, StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDEXAMPLE", "secret")), CLOCK);
    }

    // https://docs.aws.amazon.com/appsync/latest/APIReference/API_UpdateApiKey.html (POST /v1/apis/{apiId}/apikeys/{id},
    // "expires": seconds since the epoch, rounded down to the hour, at most 365 days ahead)
    @Test
    void extendsTheKeyToValidDaysFromTheStartOfTheHourWithASignedUpdateApiKey() {
        long expected = Instant.parse("2027-12-01T08:00:00Z").getEpochSecond();
        appSync.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"apiKey\":{\"id\":\"da2-publickey\",\"expires\":" + expected + ",\"deletes\":"
                        + (expected + 60 * 86400) + "}}")));

        Instant expires = renewer(365).renew();

        assertEquals(Instant.ofEpochSecond(expected), expires);
        appSync.verify(postRequestedFor(urlEqualTo(PATH))
                .withRequestBody(equalToJson("{\"expires\":" + expected + "}"))
                .withHeader("Authorization", matching(
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/eu-west-1/appsync/aws4_request, .*"))
                .withHeader("X-Amz-Date", equalTo("20261201T084713Z")));
        // Never more than AppSync's 365 days from now.
        assertTrue(expires.isBefore(CLOCK.instant().plus(java.time.Duration.ofDays(365))));
    }

    @Test
    void aShorterConfiguredValidityIsKept() {
        long expected = Instant.parse("2026-12-31T08:00:00Z").getEpochSecond();
        appSync.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withBody("{\"apiKey\":{\"expires\":" + expected + "}}")));
        assertEquals(Instant.ofEpochSecond(expected), renewer(30).renew());
        appSync.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("{\"expires\":" + expected + "}")));
    }

    @Test
    void aRefusalFailsTheInvocationNamingAppSyncsErrorButNotTheKey() {
        appSync.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("x-amzn-ErrorType", "ApiKeyValidityOutOfBoundsException")
                .withBody("{\"message\":\"API key must be valid for a minimum of 1 day.\"}")));
        ApiKeyRenewalException e = assertThrows(ApiKeyRenewalException.class, () -> renewer(365).renew());
        assertTrue(e.getMessage().contains("400 ApiKeyValidityOutOfBoundsException: API key must be valid"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("da2-publickey"), e.getMessage());
    }

    @Test
    void anUnreachableControlPlaneFailsTheInvocation() {
        ApiKeyRenewer renewer = renewer(365);
        appSync.stop();
        assertThrows(ApiKeyRenewalException.class, renewer::renew);
    }

    @Test
    void missingOrBadConfigurationIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RenewerConfig.fromEnvironment(Map.of("API_ID", "a", "VALID_DAYS", "400")));
        assertTrue(e.getMessage().contains("API_KEY_ID is not set"), e.getMessage());
        assertTrue(e.getMessage().contains("AWS_REGION is not set"), e.getMessage());
        assertTrue(e.getMessage().contains("VALID_DAYS: '400' is not allowed"), e.getMessage());
    }

    @Test
    void theEndpointDefaultsToTheRegionsControlPlane() {
        RenewerConfig config = RenewerConfig.fromEnvironment(Map.of("API_ID", "a", "API_KEY_ID", "k",
                "AWS_REGION", "us-east-1"));
        assertEquals("https://appsync.us-east-1.amazonaws.com", config.endpoint().toString());
        assertEquals(365, config.validDays());
    }
}
