package dev.refarch.realtime.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.TableContract.Movies;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.LocalApiExtension;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Backend-only mutations: IAM only; what they store and broadcast. */
class BackendMutationsTest {

    private static final Map<String, Object> MOVIE = movie();
    private static final Map<String, Object> REVIEW = Map.of("reaction", "LOVE", "movieId", "603", "count", 42,
            "topMovieId", "603", "topMovieTitle", "The Matrix", "topCount", 42, "version", 7);
    private static final Map<String, Object> BOARD = Map.of("reviews", java.util.List.of(REVIEW,
            Map.of("reaction", "HATE", "movieId", "603", "count", 3, "topCount", 9, "version", 4)),
            "publishedAt", "2026-01-05T14:30:00Z");
    /** A symbol of this class alone: the ticks table is shared by every class of the run. */
    private static final String TICK_SYMBOL = "BKND";
    private static final Map<String, Object> TICK = Map.of("symbol", TICK_SYMBOL, "price", 181.5, "open", 180.0,
            "high", 182.25, "low", 179.75, "volume", 12000.0, "timestamp", "2026-01-05T14:30:00Z",
            "sequence", 1_767_623_400_000L);

    @RegisterExtension
    static final LocalApiExtension LOCAL = new LocalApiExtension();

    private static LocalApi api() {
        return LOCAL.api();
    }

    private static Map<String, Object> movie() {
        Map<String, Object> movie = new LinkedHashMap<>();
        movie.put("id", "603");
        movie.put("title", "The Matrix \"Reloaded\" \\ \u00e9");
        movie.put("overview", "{\"json\":1}");
        movie.put("posterUrl", "https://image.tmdb.org/t/p/w500/matrix.jpg");
        movie.put("releaseDate", "1999-03-30");
        movie.put("rotation", 1);
        return movie;
    }

    @Test
    void apiKeyCallerIsUnauthorizedOnEveryBackendOnlyMutation() {
        GraphqlClient browser = api().apiKeyClient();
        Map<String, Object> before = Map.copyOf(api().currentMovieItem());
        for (Map.Entry<String, Map<String, Object>> call : Map.of(
                Operations.SET_CURRENT_MOVIE, Map.<String, Object>of("movie", MOVIE),
                Operations.PUBLISH_REVIEW, Map.<String, Object>of("review", REVIEW),
                Operations.PUBLISH_REVIEWS, Map.<String, Object>of("board", BOARD),
                Operations.PUBLISH_TICK, Map.<String, Object>of("tick", TICK)).entrySet()) {
            GraphqlClient.Response response = browser.execute(call.getKey(), call.getValue());
            response.assertErrorType("Unauthorized");
            assertTrue(response.data().isNull() || response.data().elements().next().isNull(), response.body().toString());
        }
        assertEquals(before, Map.copyOf(api().currentMovieItem()), "an API-key caller changed the current movie");
    }

    @Test
    void apiKeyCallerOnABackendOnlyMutationBroadcastsNothing() {
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_CURRENT_MOVIE);
            subscriber.subscribe(Operations.ON_REVIEW);
            subscriber.subscribe(Operations.ON_REVIEWS);
            subscriber.subscribe(Operations.ON_TICK, Map.of("symbol", TICK_SYMBOL));
            api().apiKeyClient().execute(Operations.SET_CURRENT_MOVIE, Map.of("movie", MOVIE)).assertErrorType("Unauthorized");
            api().apiKeyClient().execute(Operations.PUBLISH_REVIEW, Map.of("review", REVIEW)).assertErrorType("Unauthorized");
            api().apiKeyClient().execute(Operations.PUBLISH_REVIEWS, Map.of("board", BOARD)).assertErrorType("Unauthorized");
            api().apiKeyClient().execute(Operations.PUBLISH_TICK, Map.of("tick", TICK)).assertErrorType("Unauthorized");
            subscriber.assertNothingWithin(Duration.ofMillis(500));
        }
    }

    @Test
    void iamCallerCanCallEveryBackendOnlyMutation() {
        GraphqlClient backend = api().iamClient();
        JsonNode movie = backend.execute(Operations.SET_CURRENT_MOVIE, Map.of("movie", MOVIE))
                .assertSucceeded().data("setCurrentMovie");
        assertEquals("603", movie.path("id").asText());
        JsonNode review = backend.execute(Operations.PUBLISH_REVIEW, Map.of("review", REVIEW))
                .assertSucceeded().data("publishReview");
        assertEquals("The Matrix", review.path("topMovieTitle").asText());
        assertEquals(42, review.path("topCount").asInt());
        JsonNode board = backend.execute(Operations.PUBLISH_REVIEWS, Map.of("board", BOARD))
                .assertSucceeded().data("publishReviews");
        assertEquals(2, board.path("reviews").size());
        assertEquals(4, board.path("reviews").path(1).path("version").asLong());
        JsonNode tick = backend.execute(Operations.PUBLISH_TICK, Map.of("tick", TICK)).assertSucceeded().data("publishTick");
        assertEquals(TICK_SYMBOL, tick.path("symbol").asText());
        assertEquals(181.5, tick.path("price").asDouble());
    }

    @Test
    void currentMovieReturnsWhatSetCurrentMovieStoredAndSubscribersGetIt() {
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_CURRENT_MOVIE);
            JsonNode stored = api().iamClient().execute(Operations.SET_CURRENT_MOVIE, Map.of("movie", MOVIE))
                    .assertSucceeded().data("setCurrentMovie");
            MOVIE.forEach((field, value) -> assertEquals(String.valueOf(value), stored.path(field).asText(), field));
            Instant.parse(stored.path("startedAt").asText());

            assertEquals(stored, api().apiKeyClient().execute(Operations.CURRENT_MOVIE).assertSucceeded().data("currentMovie"));
            assertEquals(stored, api().iamClient().execute(Operations.CURRENT_MOVIE).assertSucceeded().data("currentMovie"));
            assertEquals("603", api().currentMovieItem().get("id").s());
            assertEquals(Movies.CURRENT, api().currentMovieItem().get(Movies.PK).s());
            assertEquals(stored, subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onCurrentMovie"));
        }
    }
}
