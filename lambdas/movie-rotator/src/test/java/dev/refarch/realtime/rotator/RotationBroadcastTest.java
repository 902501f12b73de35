package dev.refarch.realtime.rotator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.AppSyncSchema;
import dev.refarch.realtime.graphql.testing.Operations;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one operation the rotator sends fits the schema and selects every field. */
class RotationBroadcastTest {

    @Test
    void operationIsValidAgainstTheSchema() {
        AppSyncSchema.assertValid(RotationBroadcast.OPERATION);
    }

    @Test
    void operationSelectsEveryFieldSubscribersCanReceive() {
        String operation = RotationBroadcast.OPERATION;
        assertTrue(operation.contains("setCurrentMovie(movie: $movie) { " + Operations.MOVIE_FIELDS + " }"), operation);
        for (String reaction : Reviews.REACTIONS) {
            assertTrue(operation.contains("publishReview(review: $review" + reaction + ") { "
                    + Operations.REVIEW_FIELDS + " }"), operation);
        }
    }

    @Test
    void variablesMatchTheInputTypes() {
        Movie movie = new Movie("603", "The Matrix", null, null, "1999-03-31");
        List<ReviewRow> rows = Reviews.REACTIONS.stream()
                .map(r -> new ReviewRow(r, "603", 0, "550", "Fight Club", 7)).toList();

        JsonNode variables = new ObjectMapper().valueToTree(RotationBroadcast.variables(movie, rows));

        assertEquals(6, variables.size());
        assertEquals("The Matrix", variables.path("movie").path("title").asText());
        JsonNode love = variables.path("reviewLOVE");
        assertEquals(Map.of("reaction", "LOVE", "movieId", "603", "count", 0L, "topMovieId", "550",
                "topMovieTitle", "Fight Club", "topCount", 7L), new ObjectMapper().convertValue(love,
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }));
    }

    @Test
    void variablesNeedOneRowPerReaction() {
        Movie movie = new Movie("603", "The Matrix", null, null, null);
        assertThrows(IllegalArgumentException.class, () -> RotationBroadcast.variables(movie,
                List.of(new ReviewRow("LOVE", "603", 0, null, null, 0))));
    }
}
