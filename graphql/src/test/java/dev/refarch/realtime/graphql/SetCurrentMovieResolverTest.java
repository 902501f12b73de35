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
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@code setCurrentMovie} is fenced by the rotation number, on DynamoDB Local through the simulator. */
class SetCurrentMovieResolverTest {

    @RegisterExtension
    static final LocalApiExtension LOCAL = new LocalApiExtension();

    private static LocalApi api() {
        return LOCAL.api();
    }

    @BeforeEach
    void noCurrentMovie() {
        api().dynamo().deleteItem(d -> d.tableName(LocalApi.MOVIES_TABLE)
                .key(Map.of(Movies.PK, AttributeValue.fromS(Movies.CURRENT))));
    }

    private static GraphqlClient.Response set(String id, int rotation) {
        return api().iamClient().execute(Operations.SET_CURRENT_MOVIE,
                Map.of("movie", Map.of("id", id, "title", "Movie " + id, "rotation", rotation)));
    }

    @Test
    void lowerRotationIsRefusedAsStaleAndNothingIsStored() {
        set("12", 7).assertSucceeded();
        Map<String, AttributeValue> before = api().currentMovieItem();

        GraphqlClient.Response stale = set("11", 6).assertErrorType("StaleRotation");

        assertTrue(stale.data("setCurrentMovie").isNull(), stale.body().toString());
        assertTrue(stale.errors().get(0).path("message").asText().contains("rotation 6"), stale.body().toString());
        assertEquals(before, api().currentMovieItem());
        assertEquals("7", api().currentMovieItem().get(Movies.ROTATION).n());
    }

    @Test
    void staleMovieIsBroadcastToNoSubscriber() {
        set("12", 7).assertSucceeded();
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_CURRENT_MOVIE);

            set("11", 6).assertErrorType("StaleRotation");
            set("13", 8).assertSucceeded();

            // The first event is the newer movie: the stale one never reached the subscriber.
            JsonNode movie = subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onCurrentMovie");
            assertEquals("13", movie.path("id").asText());
            assertEquals(8, movie.path("rotation").asInt());
            subscriber.assertNothingWithin(Duration.ofMillis(300));
        }
    }

    @Test
    void equalRotationIsStoredAgainSoAResumedRotationCanRebroadcast() {
        set("12", 7).assertSucceeded();
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_CURRENT_MOVIE);

            JsonNode again = set("12", 7).assertSucceeded().data("setCurrentMovie");

            assertEquals(7, again.path("rotation").asInt());
            assertEquals("12", subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onCurrentMovie/id").asText());
        }
    }

    @Test
    void higherRotationReplacesTheCurrentMovie() {
        set("12", 7).assertSucceeded();
        JsonNode stored = set("13", 9).assertSucceeded().data("setCurrentMovie");
        assertEquals(9, stored.path("rotation").asInt());
        assertEquals("13", api().currentMovieItem().get("id").s());
        assertEquals("9", api().currentMovieItem().get(Movies.ROTATION).n());
        assertEquals(stored, api().apiKeyClient().execute(Operations.CURRENT_MOVIE).assertSucceeded().data("currentMovie"));
    }

    @Test
    void firstMovieIsStoredWhateverItsRotation() {
        set("1", 0).assertSucceeded();
        assertEquals("1", api().currentMovieItem().get("id").s());
    }
}
