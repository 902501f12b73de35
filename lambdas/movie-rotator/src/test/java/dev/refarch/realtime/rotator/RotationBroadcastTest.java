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

/** The two operations the rotator sends fit the schema and select every field. */
class RotationBroadcastTest {

    @Test
    void operationsAreValidAgainstTheSchema() {
        AppSyncSchema.assertValid(RotationBroadcast.MOVIE_OPERATION);
        AppSyncSchema.assertValid(RotationBroadcast.REVIEWS_OPERATION);
    }

    @Test
    void operationsSelectEveryFieldSubscribersCanReceive() {
        assertTrue(RotationBroadcast.MOVIE_OPERATION.contains("setCurrentMovie(movie: $movie) { "
                + Operations.MOVIE_FIELDS + " }"), RotationBroadcast.MOVIE_OPERATION);
        for (String reaction : Reviews.REACTIONS) {
            assertTrue(RotationBroadcast.REVIEWS_OPERATION.contains("publishReview(review: $review" + reaction + ") { "
                    + Operations.REVIEW_FIELDS + " }"), RotationBroadcast.REVIEWS_OPERATION);
        }
    }

    @Test
    void reviewsGoInTheirOwnRequestSoARefusedMovieBroadcastsNoRows() {
        assertTrue(!RotationBroadcast.MOVIE_OPERATION.contains("publishReview"), RotationBroadcast.MOVIE_OPERATION);
        assertTrue(!RotationBroadcast.REVIEWS_OPERATION.contains("setCurrentMovie"), RotationBroadcast.REVIEWS_OPERATION);
    }

    @Test
    void variablesMatchTheInputTypes() {
        Movie movie = new Movie("603", "The Matrix", null, "https://image.tmdb.org/t/p/w500//m.jpg", "1999-03-31");
        List<ReviewRow> rows = Reviews.REACTIONS.stream()
                .map(r -> new ReviewRow(r, "603", 0, "550", "Fight Club", 7)).toList();
        ObjectMapper json = new ObjectMapper();

        JsonNode movieInput = json.valueToTree(RotationBroadcast.movieVariables(movie, 12)).path("movie");
        JsonNode reviews = json.valueToTree(RotationBroadcast.reviewVariables(rows));

        assertEquals("The Matrix", movieInput.path("title").asText());
        assertEquals(12, movieInput.path("rotation").asInt());
        assertEquals("https://image.tmdb.org/t/p/w500/m.jpg", movieInput.path("posterUrl").asText(),
                "normalized to an AWSURL");
        assertEquals(5, reviews.size());
        assertEquals(Map.of("reaction", "LOVE", "movieId", "603", "count", 0L, "topMovieId", "550",
                "topMovieTitle", "Fight Club", "topCount", 7L), json.convertValue(reviews.path("reviewLOVE"),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }));
    }

    @Test
    void variablesNeedOneRowPerReaction() {
        assertThrows(IllegalArgumentException.class, () -> RotationBroadcast.reviewVariables(
                List.of(new ReviewRow("LOVE", "603", 0, null, null, 0))));
    }
}
