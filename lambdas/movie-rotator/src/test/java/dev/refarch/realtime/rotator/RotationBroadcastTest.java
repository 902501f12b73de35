package dev.refarch.realtime.rotator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.graphql.testing.AppSyncSchema;
import dev.refarch.realtime.graphql.testing.Operations;
import org.junit.jupiter.api.Test;

/** The one operation the rotator sends fits the schema and selects every field. */
class RotationBroadcastTest {

    @Test
    void movieOperationIsValidAgainstTheSchema() {
        AppSyncSchema.assertValid(RotationBroadcast.MOVIE_OPERATION);
    }

    @Test
    void movieOperationSelectsEveryFieldSubscribersCanReceive() {
        assertTrue(RotationBroadcast.MOVIE_OPERATION.contains("setCurrentMovie(movie: $movie) { "
                + Operations.MOVIE_FIELDS + " }"), RotationBroadcast.MOVIE_OPERATION);
    }

    @Test
    void rotationBroadcastsOnlyTheMovieTheRowsGoOutThroughTheStream() {
        assertFalse(RotationBroadcast.MOVIE_OPERATION.contains("publishReview"), RotationBroadcast.MOVIE_OPERATION);
    }

    @Test
    void variablesMatchTheInputType() {
        Movie movie = new Movie("603", "The Matrix", null, "https://image.tmdb.org/t/p/w500//m.jpg", "1999-03-31");
        ObjectMapper json = new ObjectMapper();

        JsonNode movieInput = json.valueToTree(RotationBroadcast.movieVariables(movie, 12)).path("movie");

        assertEquals("The Matrix", movieInput.path("title").asText());
        assertEquals(12, movieInput.path("rotation").asInt());
        assertEquals("https://image.tmdb.org/t/p/w500/m.jpg", movieInput.path("posterUrl").asText(),
                "normalized to an AWSURL");
    }
}
