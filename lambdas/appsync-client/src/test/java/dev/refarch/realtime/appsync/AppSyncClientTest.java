package dev.refarch.realtime.appsync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refarch.realtime.appsync.AppSyncRequestFailedException.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

class AppSyncClientTest {

    private static final String QUERY = "query { currentMovie { id } }";

    private final LocalAppSync appSync = new LocalAppSync();

    @AfterEach
    void stop() {
        appSync.close();
    }

    @Test
    void authorizationHeaderIsTheSigV4SignatureOfTheRequestAsReceived() {
        appSync.server.stubFor(post("/graphql").willReturn(okJson("{\"data\":{\"currentMovie\":null}}")));

        appSync.client().execute(QUERY, Map.of("a", 1), AppSyncClient.NO_DEADLINE);

        LoggedRequest received = appSync.server.findAll(postRequestedFor(urlEqualTo("/graphql"))).get(0);
        SdkHttpFullRequest rebuilt = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create(appSync.server.baseUrl() + received.getUrl()))
                .putHeader("Host", received.getHeader("Host"))
                .putHeader("Content-Type", received.getHeader("Content-Type"))
                .build();
        SdkHttpRequest expected = AwsV4HttpSigner.create().sign(r -> r
                .identity(LocalAppSync.CREDENTIALS)
                .request(rebuilt)
                .payload(ContentStreamProvider.fromByteArray(received.getBody()))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "appsync")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                .putProperty(HttpSigner.SIGNING_CLOCK, LocalAppSync.FIXED_CLOCK))
                .request();

        String authorization = received.getHeader("Authorization");
        assertEquals(expected.firstMatchingHeader("Authorization").orElseThrow(), authorization);
        assertTrue(authorization.startsWith(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/eu-west-1/appsync/aws4_request"), authorization);
        String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]*),.*", "$1");
        for (String header : List.of("content-type", "host", "x-amz-date", "x-amz-security-token")) {
            assertTrue(List.of(signedHeaders.split(";")).contains(header), signedHeaders);
        }
        assertEquals("20261121T123456Z", received.getHeader("X-Amz-Date"));
        assertEquals("session-token", received.getHeader("X-Amz-Security-Token"));
        assertEquals("application/json", received.getHeader("Content-Type"));
    }

    /**
     * AppSync verifies the signature from the request as it arrives, so a header that is signed but
     * not sent (x-amz-content-sha256 above all, which the signer adds itself) fails there; re-signing our
     * own request, as the test above does, cannot see that.
     */
    @Test
    void everySignedHeaderIsSentAndTheSignatureVerifiesFromTheReceivedRequestAlone() {
        appSync.server.stubFor(post("/graphql").willReturn(okJson("{\"data\":{\"currentMovie\":null}}")));

        appSync.client().execute(QUERY, Map.of("a", "b \"c\""), AppSyncClient.NO_DEADLINE);

        LoggedRequest received = appSync.server.findAll(postRequestedFor(urlEqualTo("/graphql"))).get(0);
        String signedHeaders = received.getHeader("Authorization").replaceAll(".*SignedHeaders=([^,]*),.*", "$1");
        assertTrue(List.of(signedHeaders.split(";")).contains("x-amz-content-sha256"), signedHeaders);
        assertEquals(List.of(), SigV4Verification.problems(received, LocalAppSync.CREDENTIALS));
    }

    @Test
    void theVerificationRefusesASignedHeaderNotSentAndABodyThatIsNotTheOneSigned() throws Exception {
        appSync.server.stubFor(post("/graphql").willReturn(okJson("{\"data\":{}}")));
        AppSyncRequestSigner signer = new AppSyncRequestSigner(
                StaticCredentialsProvider.create(LocalAppSync.CREDENTIALS),
                LocalAppSync.REGION, LocalAppSync.FIXED_CLOCK);
        HttpRequest signed = signer.post(appSync.endpoint(),
                "{\"query\":\"q\"}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        http.send(HttpRequest.newBuilder(signed, (name, value) -> !name.equalsIgnoreCase("x-amz-content-sha256"))
                .build(), HttpResponse.BodyHandlers.discarding());
        http.send(HttpRequest.newBuilder(signed, (name, value) -> true)
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"other\"}")).build(),
                HttpResponse.BodyHandlers.discarding());
        List<LoggedRequest> received = appSync.server.findAll(postRequestedFor(urlEqualTo("/graphql")));
        assertEquals(List.of("header x-amz-content-sha256 is signed but was not sent"),
                SigV4Verification.problems(received.get(0), LocalAppSync.CREDENTIALS));
        assertTrue(SigV4Verification.problems(received.get(1), LocalAppSync.CREDENTIALS).get(0)
                .startsWith("x-amz-content-sha256 "), received.get(1).getBodyAsString());
    }

    @Test
    void sendsHttp11WithoutAnH2cUpgrade() {
        appSync.server.stubFor(post("/graphql").willReturn(okJson("{\"data\":{}}")));

        appSync.client().execute(QUERY, null, AppSyncClient.NO_DEADLINE);

        LoggedRequest received = appSync.server.findAll(postRequestedFor(urlEqualTo("/graphql"))).get(0);
        assertTrue(!received.containsHeader("Upgrade"), "no Upgrade header expected");
        assertEquals("{\"query\":\"query { currentMovie { id } }\",\"variables\":{}}", received.getBodyAsString());
    }

    @Test
    void throttledRequestSucceedsAfterARetry() {
        failOnceThenSucceed(429);

        JsonNode data = appSync.client().execute(QUERY, null, AppSyncClient.NO_DEADLINE);

        assertEquals("42", data.at("/currentMovie/id").asText());
        assertEquals(2, requestCount());
        assertEquals(List.of(Duration.ofMillis(50)), appSync.sleeps, "half of the 100 ms base delay");
    }

    @Test
    void serviceUnavailableSucceedsAfterARetry() {
        failOnceThenSucceed(503);

        JsonNode data = appSync.client().execute(QUERY, null, AppSyncClient.NO_DEADLINE);

        assertEquals("42", data.at("/currentMovie/id").asText());
        assertEquals(2, requestCount());
    }

    @Test
    void badRequestIsNotRetried() {
        appSync.server.stubFor(post("/graphql").willReturn(aResponse().withStatus(400)
                .withBody("{\"errors\":[{\"errorType\":\"MalformedHttpRequestException\"}]}")));

        AppSyncRequestFailedException e = assertThrows(AppSyncRequestFailedException.class,
                () -> appSync.client().execute(QUERY, null, AppSyncClient.NO_DEADLINE));

        assertEquals(Reason.NOT_RETRYABLE, e.reason());
        assertEquals(400, e.lastStatus().orElseThrow());
        assertEquals(1, e.attempts());
        assertTrue(e.getMessage().contains("MalformedHttpRequestException"), e.getMessage());
        assertEquals(1, requestCount());
        assertTrue(appSync.sleeps.isEmpty());
    }

    @Test
    void persistentServerErrorsExhaustTheAttemptsWithExponentialBackoff() {
        appSync.server.stubFor(post("/graphql").willReturn(status(500)));

        AppSyncRequestFailedException e = assertThrows(AppSyncRequestFailedException.class,
                () -> appSync.client().execute(QUERY, null, AppSyncClient.NO_DEADLINE));

        assertEquals(Reason.ATTEMPTS_EXHAUSTED, e.reason());
        assertEquals(4, e.attempts());
        assertEquals(500, e.lastStatus().orElseThrow());
        assertEquals(4, requestCount());
        assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200)), appSync.sleeps);
    }

    @Test
    void refusedConnectionIsRetriedThenFailsNamingTheCause() throws IOException {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/graphql");
        }
        AppSyncClient client = appSync.client(AppSyncClientConfig.defaults(closed, LocalAppSync.REGION)
                .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(100)));

        AppSyncRequestFailedException e = assertThrows(AppSyncRequestFailedException.class,
                () -> client.execute(QUERY, null, AppSyncClient.NO_DEADLINE));

        assertEquals(Reason.ATTEMPTS_EXHAUSTED, e.reason());
        assertEquals(3, e.attempts());
        assertTrue(e.lastStatus().isEmpty());
        assertInstanceOf(ConnectException.class, e.getCause());
        assertTrue(e.getMessage().contains("ATTEMPTS_EXHAUSTED after 3 attempt(s)"), e.getMessage());
        assertEquals(2, appSync.sleeps.size());
    }

    @Test
    void graphqlErrorsSurfaceWithTheirTypeMessageAndPath() {
        appSync.server.stubFor(post("/graphql").willReturn(okJson("""
                {"data":{"vote":null},"errors":[{"path":["vote"],"errorType":"MovieNotCurrent",
                 "message":"movie 7 is no longer current","locations":[{"line":1,"column":12}]}]}""")));

        GraphqlErrorsException e = assertThrows(GraphqlErrorsException.class,
                () -> appSync.client().execute("mutation { vote(movieId: \"7\", reaction: LOVE, count: 1) { count } }",
                        null, AppSyncClient.NO_DEADLINE));

        assertEquals(List.of(new GraphqlError("MovieNotCurrent", "movie 7 is no longer current", List.of("vote"))),
                e.errors());
        assertTrue(e.hasErrorType("MovieNotCurrent"));
        assertTrue(e.data().path("vote").isNull());
        assertEquals(1, requestCount(), "a GraphQL error is an answer, not retried");
    }

    @Test
    void remainingTimeShorterThanTheNextBackoffStopsWithoutSleeping() {
        appSync.server.stubFor(post("/graphql").willReturn(status(429)));

        // Plenty of time for the first request (a cold server can take longer than 40 ms to
        // answer), then 40 ms left once it has been answered.
        AppSyncRequestFailedException e = assertThrows(AppSyncRequestFailedException.class,
                () -> appSync.client().execute(QUERY, null,
                        () -> requestCount() == 0 ? Duration.ofSeconds(5) : Duration.ofMillis(40)));

        assertEquals(Reason.DEADLINE_REACHED, e.reason(), "the 50 ms backoff does not fit in 40 ms");
        assertEquals(1, e.attempts());
        assertEquals(429, e.lastStatus().orElseThrow());
        assertTrue(appSync.sleeps.isEmpty());
        assertEquals(1, requestCount());
    }

    @Test
    void lambdaTimeLeftKeepsTheMarginBack() {
        assertEquals(Duration.ofMillis(1_500), AppSyncClient.timeLeft(() -> 2_500, Duration.ofSeconds(1)).get());
        assertTrue(AppSyncClient.timeLeft(() -> 800, Duration.ofSeconds(1)).get().isNegative());
    }

    @Test
    void noRemainingTimeSendsNothing() {
        appSync.server.stubFor(post("/graphql").willReturn(okJson("{\"data\":{}}")));

        AppSyncRequestFailedException e = assertThrows(AppSyncRequestFailedException.class,
                () -> appSync.client().execute(QUERY, null, () -> Duration.ZERO));

        assertEquals(Reason.DEADLINE_REACHED, e.reason());
        assertEquals(0, e.attempts());
        assertEquals(0, requestCount());
    }

    @Test
    void slowResponseTimesOutWithinTheRemainingTimeAndIsRetried() {
        appSync.server.stubFor(post("/graphql").inScenario("slow").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"data\":{}}").withFixedDelay(1_000)).willSetStateTo("fast"));
        appSync.server.stubFor(post("/graphql").inScenario("slow").whenScenarioStateIs("fast")
                .willReturn(okJson("{\"data\":{\"ok\":true}}")));
        AppSyncClient client = appSync.client(appSync.config().withTimeouts(Duration.ofSeconds(1),
                Duration.ofMillis(200)));

        JsonNode data = client.execute(QUERY, null, AppSyncClient.NO_DEADLINE);

        assertTrue(data.path("ok").asBoolean());
        assertEquals(2, requestCount());
    }

    @Test
    void untilDeadlineRetriesPastTheDefaultAttemptCountWithCappedBackoffsUntilTheServiceRecovers() {
        // 12 failures (3 times the default 4 attempts), then an answer.
        for (int i = 0; i < 12; i++) {
            appSync.server.stubFor(post("/graphql").inScenario("outage").whenScenarioStateIs(i == 0 ? STARTED : "f" + i)
                    .willReturn(status(i % 2 == 0 ? 503 : 429)).willSetStateTo("f" + (i + 1)));
        }
        appSync.server.stubFor(post("/graphql").inScenario("outage").whenScenarioStateIs("f12")
                .willReturn(okJson("{\"data\":{\"ok\":true}}")));
        AppSyncClient client = appSync.client(appSync.config()
                .withRetriesUntilDeadline(Duration.ofMillis(100), Duration.ofSeconds(5)));

        JsonNode data = client.execute(QUERY, null, () -> Duration.ofMinutes(5));

        assertTrue(data.path("ok").asBoolean());
        assertEquals(13, requestCount());
        // Full jitter at 0.5 of min(5 s, 100 ms * 2^(n-1)): doubling, then capped at 2.5 s.
        assertEquals(Duration.ofMillis(50), appSync.sleeps.get(0));
        assertEquals(Duration.ofMillis(1600), appSync.sleeps.get(5));
        assertEquals(Duration.ofMillis(2500), appSync.sleeps.get(6));
        assertEquals(Duration.ofMillis(2500), appSync.sleeps.get(11));
    }

    @Test
    void untilDeadlineStopsOnlyWhenTheRemainingTimeRunsOut() {
        appSync.server.stubFor(post("/graphql").willReturn(status(503)));
        AppSyncClient client = appSync.client(appSync.config()
                .withRetriesUntilDeadline(Duration.ofMillis(100), Duration.ofMillis(100)));
        // Each backoff (50 ms, not slept) uses 50 ms of a 1 s budget.
        long[] left = {1_000};
        AppSyncRequestFailedException e = assertThrows(AppSyncRequestFailedException.class,
                () -> client.execute(QUERY, null, () -> Duration.ofMillis(left[0] - 50L * appSync.sleeps.size())));

        assertEquals(Reason.DEADLINE_REACHED, e.reason());
        assertEquals(20, e.attempts());
        assertEquals(503, e.lastStatus().orElseThrow());
    }

    @Test
    void untilDeadlineRefusesACallWithoutADeadline() {
        AppSyncClient client = appSync.client(appSync.config()
                .withRetriesUntilDeadline(Duration.ofMillis(100), Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> client.execute(QUERY, null, AppSyncClient.NO_DEADLINE));
        assertEquals(0, requestCount());
    }

    private void failOnceThenSucceed(int status) {
        appSync.server.stubFor(post("/graphql").inScenario("retry").whenScenarioStateIs(STARTED)
                .willReturn(status(status)).willSetStateTo("recovered"));
        appSync.server.stubFor(post("/graphql").inScenario("retry").whenScenarioStateIs("recovered")
                .willReturn(okJson("{\"data\":{\"currentMovie\":{\"id\":\"42\"}}}")));
    }

    private int requestCount() {
        return appSync.server.findAll(postRequestedFor(urlEqualTo("/graphql"))).size();
    }
}
