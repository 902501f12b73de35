package dev.refarch.realtime.rotator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncException;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import dev.refarch.realtime.lambda.testing.LogCapture;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Whole rotations through the handler, against DynamoDB Local, the AppSync simulator and WireMock. */
class MovieRotatorTest extends AgainstLocalRotator {

    private static void vote(String movieId, String reaction, int count) {
        local.api.apiKeyClient().execute(Operations.VOTE,
                Map.of("movieId", movieId, "reaction", reaction, "count", count)).assertSucceeded();
    }

    private static Map<String, AttributeValue> row(String reaction) {
        return local.api.reviewRow(reaction);
    }

    private static void assertRow(String reaction, String movieId, long count, String topMovieId, long topCount) {
        Map<String, AttributeValue> row = row(reaction);
        assertAll(reaction,
                () -> assertEquals(movieId, row.get(Reviews.MOVIE_ID).s(), "movieId"),
                () -> assertEquals(count, Long.parseLong(row.get(Reviews.COUNT).n()), "count"),
                () -> assertEquals(topMovieId, row.containsKey(Reviews.TOP_MOVIE_ID)
                        ? row.get(Reviews.TOP_MOVIE_ID).s() : null, "topMovieId"),
                () -> assertEquals(topCount, Long.parseLong(row.get(Reviews.TOP_COUNT).n()), "topCount"));
    }

    private static String currentMovieId() {
        return local.api.currentMovieItem().get("id").s();
    }

    @Test
    void rotationsKeepTheLeaderboardRecordOnlyWhenBeaten() {
        local.stubs.popularAnswers(200, TmdbStub.page(1, 3, "11", "0", "12", "13", "14"));

        assertEquals(Map.of("rotated", true, "movieId", "11", "title", "Movie 11"), local.invoke());
        assertEquals("11", currentMovieId());
        for (String reaction : Reviews.REACTIONS) {
            assertRow(reaction, "11", 0, null, 0);
        }
        vote("11", "LOVE", 5);
        vote("11", "LIKE", 2);

        local.invoke();
        assertEquals("12", currentMovieId());
        assertRow("LOVE", "12", 0, "11", 5);
        assertRow("LIKE", "12", 0, "11", 2);
        assertRow("MEH", "12", 0, null, 0);
        assertEquals("Movie 11", row("LOVE").get(Reviews.TOP_MOVIE_TITLE).s());

        vote("12", "LOVE", 5);
        vote("12", "LIKE", 3);
        local.invoke();
        assertEquals("13", currentMovieId());
        assertRow("LOVE", "13", 0, "11", 5);
        assertRow("LIKE", "13", 0, "12", 3);

        vote("13", "LOVE", 4);
        local.invoke();
        assertRow("LOVE", "14", 0, "11", 5);
        assertEquals(4, local.metrics.occurrences(RotatorMetrics.ROTATIONS));
    }

    @Test
    void currentMovieAndBroadcastCarryTheNewMovieAndTheRowsGoOutThroughTheStreamOnly() {
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "603", "550"));
        local.invoke();
        vote("603", "HATE", 2);
        long versionBefore = Long.parseLong(local.api.reviewRow("HATE").get(Reviews.VERSION).n());

        try (RealtimeSubscriber subscriber = local.api.apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_CURRENT_MOVIE);
            subscriber.subscribe(Operations.ON_REVIEW);

            assertEquals("550", local.invoke().get("movieId"));

            JsonNode movie = subscriber.awaitNext(Duration.ofSeconds(10)).path("payload").path("data")
                    .path("onCurrentMovie");
            assertEquals("550", movie.path("id").asText());
            assertEquals("Movie 550", movie.path("title").asText());
            assertEquals(TmdbStub.IMAGE_BASE + "/p550.jpg", movie.path("posterUrl").asText());
            assertEquals("1999-03-31", movie.path("releaseDate").asText());
            assertFalse(movie.path("startedAt").asText().isEmpty());
            // The review broadcaster publishes the moved rows from the table's stream.
            subscriber.assertNothingWithin(Duration.ofMillis(700));
        }
        assertRow("HATE", "550", 0, "603", 2);
        // The showing made the record: the move and then the leaderboard entry each grow the version.
        assertEquals(versionBefore + 2, Long.parseLong(local.api.reviewRow("HATE").get(Reviews.VERSION).n()),
                "the move and the leaderboard write each grow the row's version in their write");
        Map<String, AttributeValue> current = local.api.currentMovieItem();
        assertEquals("550", current.get("id").s());
        assertEquals("About 550", current.get("overview").s());
        assertTrue(local.snapshot().get("PENDING").isEmpty(), "no rotation left pending");
    }

    @Test
    void noMovieRepeatsUntilTheCatalogPageIsExhausted() {
        local.stubs.popularAnswers(200, TmdbStub.page(1, 7, "1", "2", "3", "4"));
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            shown.add((String) local.invoke().get("movieId"));
        }
        assertEquals(4, new HashSet<>(shown).size(), "distinct: " + shown);
        assertEquals(1, local.stubs.popularRequests(), "one TMDb page served four rotations");

        String fifth = (String) local.invoke().get("movieId");
        assertEquals(2, local.stubs.popularRequests(), "exhausted page: fetched again");
        assertFalse(fifth.equals(shown.get(3)), "the current movie is never picked again at once");
        // After page 1 told us there are 7 pages, the next fetch asks a page in 1..7.
        String page = local.stubs.server.getAllServeEvents().get(0).getRequest().queryParameter("page").firstValue();
        assertTrue(Integer.parseInt(page) >= 1 && Integer.parseInt(page) <= 7, page);
    }

    static Stream<Arguments> tmdbFailures() {
        return Stream.of(
                Arguments.of("UNAUTHORIZED", 401, "{\"status_code\":7}", 0),
                Arguments.of("RATE_LIMITED", 429, "{\"status_code\":25}", 0),
                Arguments.of("SERVER_ERROR", 503, "down", 0),
                Arguments.of("TIMEOUT", 200, TmdbStub.page(1, 1, "77"), 2_000),
                Arguments.of("MALFORMED", 200, "<html>not json</html>", 0),
                Arguments.of("EMPTY", 200, TmdbStub.page(1, 1), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tmdbFailures")
    void tmdbFailureLeavesEverythingAsItWas(String kind, int status, String body, int delayMillis) {
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "603"));
        local.invoke();
        vote("603", "LOVE", 3);
        local.stubs.server.resetAll();
        local.stubs.secretIs(TmdbStub.secretWithKey(LocalRotator.SECRET_KEY));
        local.stubs.server.stubFor(get(urlPathEqualTo("/3/movie/popular")).willReturn(aResponse()
                .withStatus(status).withBody(body).withFixedDelay(delayMillis)));
        Map<String, Map<String, AttributeValue>> before = local.snapshot();
        local.metrics.clear();

        try (LogCapture logs = LogCapture.attachAtDebug("software.amazon.awssdk")) {
            Map<String, Object> result = local.invoke();

            assertEquals(false, result.get("rotated"));
            assertEquals("tmdb-" + kind.toLowerCase().replace('_', '-'), result.get("reason"));
            assertEquals(before, local.snapshot());
            assertEquals(List.of("TmdbFailures[Kind=" + kind + "]"), local.metrics.counts().stream()
                    .filter(c -> !c.startsWith(RotatorMetrics.CURRENT_MOVIE_AGE)).toList());
            assertEquals(1, local.metrics.occurrences(RotatorMetrics.CURRENT_MOVIE_AGE), "the failed attempt's age");
            List<LogCapture.Line> errors = logs.at(Level.ERROR);
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.get(0).text().contains(kind), errors.get(0).text());
        }
    }

    @Test
    void unauthorizedRereadsARotatedSecretOnceAndRotates() {
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "603"));
        local.invoke();
        assertEquals(1, local.stubs.secretRequests());
        local.stubs.server.resetAll();
        // The secret was rotated: TMDb rejects the cached key and accepts the new one.
        local.stubs.secretIs(TmdbStub.secretWithKey("new-key-after-rotation"));
        local.stubs.server.stubFor(get(urlPathEqualTo("/3/movie/popular")).atPriority(1)
                .withQueryParam("api_key", equalTo("new-key-after-rotation"))
                .willReturn(aResponse().withStatus(200).withBody(TmdbStub.page(1, 1, "550"))));
        local.stubs.server.stubFor(get(urlPathEqualTo("/3/movie/popular")).atPriority(2)
                .willReturn(aResponse().withStatus(401).withBody("{}")));

        assertEquals("550", local.invoke().get("movieId"));
        assertEquals(1, local.stubs.secretRequests(), "re-read once");
        assertEquals(2, local.stubs.popularRequests());
    }

    @Test
    void unauthorizedWithTheSameKeyRereadsOnceAndGivesUp() {
        local.stubs.popularAnswers(401, "{}");
        Map<String, Map<String, AttributeValue>> before = local.snapshot();

        assertEquals("tmdb-unauthorized", local.invoke().get("reason"));
        assertEquals(2, local.stubs.secretRequests(), "first read and one re-read");
        assertEquals(1, local.stubs.popularRequests(), "no retry with the same key");
        assertEquals(before, local.snapshot());
    }

    static Stream<String> secretsWithoutKey() {
        return Stream.of("{\"tmdbApiKey\":\"\"}", "{\"tmdbApiKey\":\"   \"}", "{\"other\":\"x\"}", "{}");
    }

    @ParameterizedTest
    @MethodSource("secretsWithoutKey")
    void withoutAKeyTheShippedCatalogRotatesAndTheNextRotationAfterAKeyIsSetUsesTmdb(String secretString) throws Exception {
        local.stubs.secretIs(secretString);
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "603"));
        JsonNode films = new ObjectMapper().readTree(getClass().getClassLoader()
                .getResourceAsStream(ShippedCatalog.RESOURCE)).path("results");
        JsonNode first = films.get(0);

        try (LogCapture logs = LogCapture.attachAtDebug("software.amazon.awssdk");
             RealtimeSubscriber subscriber = local.api.apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_CURRENT_MOVIE);
            assertEquals(first.path("id").asText(), local.invoke().get("movieId"));

            JsonNode movie = subscriber.awaitNext(Duration.ofSeconds(10)).path("payload").path("data").path("onCurrentMovie");
            assertEquals(first.path("title").asText(), movie.path("title").asText());
            assertEquals(LocalRotator.CATALOG_POSTERS + first.path("poster_path").asText(), movie.path("posterUrl").asText());
            List<LogCapture.Line> warnings = logs.at(Level.WARN);
            assertTrue(warnings.stream().anyMatch(l -> l.text().contains(TmdbStub.SECRET_ARN)
                    && l.text().contains("aws secretsmanager put-secret-value --secret-id " + TmdbStub.SECRET_ARN)
                    && l.text().contains("shipped")), warnings.toString());
            assertTrue(logs.at(Level.ERROR).isEmpty(), logs.at(Level.ERROR).toString());
        }
        assertEquals(first.path("id").asText(), local.api.currentMovieItem().get("id").s());
        assertEquals(0, local.stubs.popularRequests());
        // Every shipped film once before any repeats.
        Set<String> shown = new java.util.HashSet<>(Set.of(first.path("id").asText()));
        for (int i = 1; i < films.size(); i++) {
            shown.add((String) local.invoke().get("movieId"));
        }
        assertEquals(films.size(), shown.size(), shown.toString());
        assertEquals(0, local.stubs.popularRequests());

        // Not cached while missing: the rotation right after the key is set comes from TMDb.
        local.stubs.secretIs(TmdbStub.secretWithKey(LocalRotator.SECRET_KEY));
        assertEquals("603", local.invoke().get("movieId"));
        assertEquals(1, local.stubs.popularRequests());
    }

    @Test
    void shippedFilmsLeftOverAreDroppedOnceAKeyIsSet() {
        local.stubs.secretIs("{}");
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "603", "550"));
        local.invoke();
        local.invoke();
        local.stubs.secretIs(TmdbStub.secretWithKey(LocalRotator.SECRET_KEY));
        assertEquals("603", local.invoke().get("movieId"));
        assertEquals("550", local.invoke().get("movieId"));
    }

    @Test
    void pendingRotationIsCompletedWithTheSameMovie() {
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "11", "12", "13"));
        local.invoke();
        vote("11", "LOVE", 4);
        vote("11", "LIKE", 2);
        vote("11", "MEH", 1);

        // A crash after recording the intent and moving two rows.
        Catalog catalog = local.catalog();
        Catalog.State state = catalog.state();
        Movie next = state.movies().get(0);
        Movie from = catalog.current().orElseThrow();
        Catalog.Pending pending = new Catalog.Pending(next, Optional.of(from), state.rotation() + 1);
        assertTrue(catalog.startRotation(state, state.movies().subList(1, state.movies().size()), 1, pending));
        ReviewRowMover rows = local.rowMover();
        assertEquals(4, rows.move("LOVE", Optional.of(from), next, pending.rotation()).finalCount().getAsLong());
        rows.move("LIKE", Optional.of(from), next, pending.rotation());
        vote("12", "LOVE", 1); // a vote for the next movie on a row already moved
        vote("11", "MEH", 2); // still counted: MEH has not moved yet

        Map<String, Object> result = local.invoke();

        assertEquals(Map.of("rotated", true, "movieId", "12", "title", "Movie 12"), result);
        assertEquals("12", currentMovieId());
        assertRow("LOVE", "12", 1, "11", 4);
        assertRow("LIKE", "12", 0, "11", 2);
        assertRow("MEH", "12", 0, "11", 3);
        assertTrue(local.snapshot().get("PENDING").isEmpty());
        assertEquals(1, local.metrics.occurrences(RotatorMetrics.RESUMED_ROTATIONS));
        assertEquals(1, local.stubs.popularRequests(), "the resumed rotation fetched nothing");

        assertEquals("13", local.invoke().get("movieId"), "the catalog moved on past the resumed movie");
    }

    @Test
    void failedBroadcastLeavesTheRotationPendingAndTheNextTickFinishesIt() {
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "11", "12", "13"));
        local.invoke();
        vote("11", "LOVE", 2);
        // AppSync answers 404 (WireMock has no such stub): the request fails without retries.
        MovieRotator broken = local.rotatorWithAppSyncAt(java.net.URI.create(local.stubs.baseUrl() + "/graphql"));

        assertThrows(AppSyncException.class, () -> broken.rotate(AppSyncClient.NO_DEADLINE));

        assertEquals("11", currentMovieId(), "not broadcast, so not current");
        assertFalse(local.snapshot().get("PENDING").isEmpty(), "the rotation stays pending");
        assertRow("LOVE", "12", 0, "11", 2);

        assertEquals("12", local.invoke().get("movieId"));
        assertEquals("12", currentMovieId());
        assertTrue(local.snapshot().get("PENDING").isEmpty());
        assertRow("LOVE", "12", 0, "11", 2);
    }

    @Test
    void secretValueNeverAppearsInLogs() {
        try (LogCapture logs = LogCapture.attachAtDebug("software.amazon.awssdk")) {
            local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "603", "550"));
            local.invoke();
            local.invoke();
            local.stubs.popularAnswers(401, "{\"status_message\":\"Invalid API key\"}");
            local.invoke();
            local.stubs.popularAnswers(200, "not json " + LocalRotator.SECRET_KEY.length());
            local.invoke();

            List<LogCapture.Line> lines = logs.lines();
            assertTrue(lines.size() >= 4, "logs were captured: " + lines);
            assertTrue(lines.stream().allMatch(l -> l.fields().containsKey("level")), "JSON layout: " + lines.get(0));
            logs.assertNoneContains(LocalRotator.SECRET_KEY);
        }
    }
}
