package dev.refarch.realtime.rotator;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.rotator.TmdbException.Kind;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TMDb client against WireMock: parsing, both credential kinds, every failure kind. */
class TmdbClientTest {

    private static final TmdbApiKey V3_KEY = new TmdbApiKey("0123456789abcdef0123456789abcdef");
    private static final TmdbApiKey V4_TOKEN = new TmdbApiKey("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
    private static TmdbStub tmdb;
    private static TmdbClient client;

    @BeforeAll
    static void start() {
        tmdb = new TmdbStub();
        client = new TmdbClient(tmdb.baseUrl(), TmdbStub.IMAGE_BASE + "/", Duration.ofSeconds(1),
                Duration.ofMillis(1_000));
    }

    @AfterAll
    static void stop() {
        tmdb.close();
    }

    @BeforeEach
    void reset() {
        tmdb.reset();
    }

    @Test
    void parsesPopularPageWithPosterUrlsAndSkipsUntitledEntries() throws Exception {
        tmdb.popularAnswers(200, TmdbStub.page(7, 42, "603", "0", "550"));

        PopularPage page = client.popular(7, V3_KEY);

        assertEquals(7, page.page());
        assertEquals(42, page.totalPages());
        assertEquals(2, page.movies().size());
        Movie matrix = page.movies().get(0);
        assertEquals(new Movie("603", "Movie 603", "About 603", TmdbStub.IMAGE_BASE + "/p603.jpg", "1999-03-31"),
                matrix);
        tmdb.server.verify(getRequestedFor(urlPathEqualTo("/3/movie/popular"))
                .withQueryParam("page", equalTo("7")));
    }

    @Test
    void movieWithoutPosterHasNullPosterUrl() throws Exception {
        tmdb.popularAnswers(200, """
                {"page":1,"total_pages":1,"results":[{"id":5,"title":"Four Rooms","poster_path":null,"release_date":""}]}""");

        Movie movie = client.popular(1, V3_KEY).movies().get(0);

        assertNull(movie.posterUrl());
        assertNull(movie.releaseDate());
        assertNull(movie.overview());
    }

    @Test
    void v3KeyIsSentAsApiKeyParameter() throws Exception {
        tmdb.popularAnswers(200, TmdbStub.page(1, 1, "603"));

        client.popular(1, V3_KEY);

        tmdb.server.verify(getRequestedFor(urlPathEqualTo("/3/movie/popular"))
                .withQueryParam("api_key", equalTo(V3_KEY.value()))
                .withHeader("Authorization", absent()));
    }

    @Test
    void v4TokenIsSentAsBearerHeader() throws Exception {
        tmdb.popularAnswers(200, TmdbStub.page(1, 1, "603"));

        client.popular(1, V4_TOKEN);

        tmdb.server.verify(getRequestedFor(urlPathEqualTo("/3/movie/popular"))
                .withQueryParam("api_key", absent())
                .withHeader("Authorization", equalTo("Bearer " + V4_TOKEN.value())));
    }

    @Test
    void unauthorizedIsTyped() {
        tmdb.popularAnswers(401, "{\"status_code\":7,\"status_message\":\"Invalid API key\"}");
        assertEquals(Kind.UNAUTHORIZED, failure().kind());
    }

    @Test
    void rateLimitIsTyped() {
        tmdb.popularAnswers(429, "{\"status_code\":25}");
        assertEquals(Kind.RATE_LIMITED, failure().kind());
    }

    @Test
    void serverErrorIsTyped() {
        tmdb.popularAnswers(500, "oops");
        assertEquals(Kind.SERVER_ERROR, failure().kind());
    }

    @Test
    void slowAnswerTimesOut() {
        tmdb.popularDelays(2_000);
        long start = System.nanoTime();
        assertEquals(Kind.TIMEOUT, failure().kind());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofMillis(1_500)) < 0,
                "gave up at the read timeout");
    }

    @Test
    void malformedJsonIsTyped() {
        tmdb.popularAnswers(200, "{\"results\": [");
        assertEquals(Kind.MALFORMED, failure().kind());
    }

    @Test
    void bodyWithoutResultsIsMalformed() {
        tmdb.popularAnswers(200, "{\"page\":1}");
        assertEquals(Kind.MALFORMED, failure().kind());
    }

    @Test
    void emptyResultsAreTyped() {
        tmdb.popularAnswers(200, TmdbStub.page(1, 1));
        assertEquals(Kind.EMPTY, failure().kind());
    }

    @Test
    void unreachableServerIsTyped() throws Exception {
        TmdbClient nowhere;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nowhere = new TmdbClient(java.net.URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/3"),
                    TmdbStub.IMAGE_BASE, Duration.ofSeconds(1), Duration.ofMillis(1_000));
        }
        TmdbException e = assertThrows(TmdbException.class, () -> nowhere.popular(1, V3_KEY));
        assertEquals(Kind.UNREACHABLE, e.kind());
    }

    @Test
    void failureMessagesNeverContainTheKey() {
        tmdb.popularAnswers(401, "{}");
        TmdbException e = failure();
        assertFalse(e.getMessage().contains(V3_KEY.value()), e.getMessage());
        assertFalse(V3_KEY.toString().contains(V3_KEY.value()));
    }

    private static TmdbException failure() {
        return assertThrows(TmdbException.class, () -> client.popular(1, V3_KEY));
    }
}
