package dev.refarch.realtime.rotator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.LocalApiExtension;
import dev.refarch.realtime.graphql.testing.Operations;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Moves of a reaction's shards and its leaderboard entry on DynamoDB Local, votes through the
 * simulator's vote resolver.
 */
class ReviewRowMoverTest {

    @RegisterExtension
    static final LocalApiExtension LOCAL = new LocalApiExtension();

    private static LocalApi api() {
        return LOCAL.api();
    }

    /** The LOVE row as the rotation numbered {@code rotation} left it. */
    private static void row(String movieId, long count, String topMovieId, long topCount, long rotation) {
        api().dynamo().putItem(p -> p.tableName(LocalApi.REVIEWS_TABLE).item(Map.of(
                Reviews.REACTION, AttributeValue.fromS("LOVE"),
                Reviews.MOVIE_ID, AttributeValue.fromS(movieId),
                Reviews.COUNT, AttributeValue.fromN(Long.toString(count)),
                Reviews.TOP_MOVIE_ID, AttributeValue.fromS(topMovieId),
                Reviews.TOP_MOVIE_TITLE, AttributeValue.fromS("Old record"),
                Reviews.TOP_COUNT, AttributeValue.fromN(Long.toString(topCount)),
                Reviews.ROTATION, AttributeValue.fromN(Long.toString(rotation)))));
    }

    @Test
    void showingThatBeatsTheRecordBecomesTheLeaderboardEntry() {
        Movie from = new Movie("11", "Eleven", null, null, null);
        Movie to = new Movie("12", "Twelve", null, null, null);
        row("11", 7, "7", 5, 1);
        ReviewRowMover rows = new ReviewRowMover(api().dynamo(), LocalApi.REVIEWS_TABLE, new RecordingMetrics());

        RowMove move = rows.move("LOVE", Optional.of(from), to, 2);

        assertEquals(7, move.finalCount().getAsLong());
        assertTrue(move.newRecord());
        assertEquals(new ReviewRow("LOVE", "12", 0, "11", "Eleven", 7), move.row());
        Map<String, AttributeValue> stored = api().reviewRow("LOVE");
        assertEquals("12", stored.get(Reviews.MOVIE_ID).s());
        assertEquals("7", stored.get(Reviews.TOP_COUNT).n());
        assertEquals("2", stored.get(Reviews.TOP_ROTATION).n());
        assertEquals("0", stored.get(Reviews.COUNT).n());
        api().apiKeyClient().execute(Operations.VOTE, Map.of("movieId", "11", "reaction", "LOVE", "count", 1))
                .assertErrorType("MovieNotCurrent");
    }

    /**
     * Four shards as an interrupted rotation 2 and a raised voteShards leave them: two still on movie 71,
     * one moved already (its final count kept on it), one never created. The showing's final count is
     * the sum of the four, and the resumed shard keeps the vote it got for the new movie.
     */
    @Test
    void finalCountIsTheSumOfEveryShardsFinalCountIncludingShardsMovedBeforeAResume() {
        Movie from = new Movie("71", "Seventy-one", null, null, null);
        Movie to = new Movie("72", "Seventy-two", null, null, null);
        row("71", 2, "7", 5, 1);
        api().dynamo().putItem(p -> p.tableName(LocalApi.REVIEWS_TABLE).item(Map.of(
                Reviews.REACTION, AttributeValue.fromS("LOVE#1"), Reviews.MOVIE_ID, AttributeValue.fromS("71"),
                Reviews.COUNT, AttributeValue.fromN("3"), Reviews.ROTATION, AttributeValue.fromN("1"))));
        api().dynamo().putItem(p -> p.tableName(LocalApi.REVIEWS_TABLE).item(Map.of(
                Reviews.REACTION, AttributeValue.fromS("LOVE#2"), Reviews.MOVIE_ID, AttributeValue.fromS("72"),
                Reviews.COUNT, AttributeValue.fromN("1"), Reviews.ROTATION, AttributeValue.fromN("2"),
                Reviews.PREVIOUS_MOVIE_ID, AttributeValue.fromS("71"), Reviews.PREVIOUS_COUNT, AttributeValue.fromN("4"))));
        api().dynamo().deleteItem(d -> d.tableName(LocalApi.REVIEWS_TABLE)
                .key(Map.of(Reviews.REACTION, AttributeValue.fromS("LOVE#3"))));
        ReviewRowMover rows = new ReviewRowMover(api().dynamo(), LocalApi.REVIEWS_TABLE, 4, new RecordingMetrics());

        RowMove move = rows.move("LOVE", Optional.of(from), to, 2);

        assertEquals(2 + 3 + 4, move.finalCount().getAsLong());
        assertTrue(move.newRecord());
        assertEquals(new ReviewRow("LOVE", "72", 1, "71", "Seventy-one", 9), move.row());
        for (int shard = 0; shard < 4; shard++) {
            Map<String, AttributeValue> stored = api().reviewRow(Reviews.shardKey("LOVE", shard));
            assertEquals("72", stored.get(Reviews.MOVIE_ID).s(), "shard " + shard);
            assertEquals("2", stored.get(Reviews.ROTATION).n(), "shard " + shard);
        }
        assertEquals(1, api().storedTotal("LOVE", 4, "72"));
    }

    @Test
    void equalCountKeepsTheOlderRecord() {
        Movie from = new Movie("21", "Twenty-one", null, null, null);
        Movie to = new Movie("22", "Twenty-two", null, null, null);
        row("21", 5, "7", 5, 1);
        ReviewRowMover rows = new ReviewRowMover(api().dynamo(), LocalApi.REVIEWS_TABLE, new RecordingMetrics());

        RowMove move = rows.move("LOVE", Optional.of(from), to, 2);

        assertEquals(5, move.finalCount().getAsLong());
        assertEquals(new ReviewRow("LOVE", "22", 0, "7", "Old record", 5), move.row());
        assertEquals("7", api().reviewRow("LOVE").get(Reviews.TOP_MOVIE_ID).s());
    }

    @Test
    void voteForTheNextMovieAfterTheMoveIsKeptWhenResuming() {
        Movie from = new Movie("31", "Thirty-one", null, null, null);
        Movie to = new Movie("32", "Thirty-two", null, null, null);
        row("32", 2, "7", 5, 2);
        ReviewRowMover rows = new ReviewRowMover(api().dynamo(), LocalApi.REVIEWS_TABLE, new RecordingMetrics());

        RowMove move = rows.move("LOVE", Optional.of(from), to, 2);

        assertTrue(move.finalCount().isEmpty(), "moved by an earlier invocation");
        assertEquals(new ReviewRow("LOVE", "32", 2, "7", "Old record", 5), move.row());
        assertEquals("2", api().reviewRow("LOVE").get(Reviews.COUNT).n());
    }

    @Test
    void staleRotationMovesNoRowOfANewerRotation() {
        Movie stalledFrom = new Movie("41", "Forty-one", null, null, null);
        Movie stalledTo = new Movie("42", "Forty-two", null, null, null);
        // Rotation 7 already moved the row to movie 44, which has 3 votes.
        row("44", 3, "7", 5, 7);
        Map<String, AttributeValue> before = api().reviewRow("LOVE");
        ReviewRowMover rows = new ReviewRowMover(api().dynamo(), LocalApi.REVIEWS_TABLE, new RecordingMetrics());

        StaleRotationException stale = assertThrows(StaleRotationException.class,
                () -> rows.move("LOVE", Optional.of(stalledFrom), stalledTo, 5));

        assertTrue(stale.getMessage().contains("rotation 7"), stale.getMessage());
        assertEquals(before, api().reviewRow("LOVE"), "the newer movie's row and votes are untouched");
        api().apiKeyClient().execute(Operations.VOTE, Map.of("movieId", "44", "reaction", "LOVE", "count", 1))
                .assertSucceeded();
        assertEquals(4, api().storedCount("LOVE"));
    }

    /**
     * The shipped catalog cycles, so a newer rotation can leave a row on the very movie a stale one
     * moves from. The row's movie and counts then satisfy the stale move's other conditions (9 beats
     * the record of 5), and only the rotation fence in the write's condition refuses it.
     */
    @Test
    void staleRotationMovesNoRowANewerRotationLeftOnTheMovieItMovesFrom() {
        Movie stalledFrom = new Movie("61", "Sixty-one", null, null, null);
        Movie stalledTo = new Movie("62", "Sixty-two", null, null, null);
        // Rotation 7 showed movie 61 again; its showing has 9 votes so far.
        row("61", 9, "7", 5, 7);
        Map<String, AttributeValue> before = api().reviewRow("LOVE");
        ReviewRowMover rows = new ReviewRowMover(api().dynamo(), LocalApi.REVIEWS_TABLE, new RecordingMetrics());

        StaleRotationException stale = assertThrows(StaleRotationException.class,
                () -> rows.move("LOVE", Optional.of(stalledFrom), stalledTo, 5));

        assertTrue(stale.getMessage().contains("rotation 7"), stale.getMessage());
        assertEquals(before, api().reviewRow("LOVE"), "the newer showing's row and votes are untouched");
        api().apiKeyClient().execute(Operations.VOTE, Map.of("movieId", "61", "reaction", "LOVE", "count", 1))
                .assertSucceeded();
        assertEquals(10, api().storedCount("LOVE"));
    }

    @Test
    void rowOfAnUnknownMovieFromAnOlderRotationIsMovedWithoutALeaderboardEntry() {
        Movie from = new Movie("51", "Fifty-one", null, null, null);
        Movie to = new Movie("52", "Fifty-two", null, null, null);
        // Left by an abandoned rotation 3; the fresh rotation 4 moves on from the current movie 51.
        row("50", 9, "7", 5, 3);
        ReviewRowMover rows = new ReviewRowMover(api().dynamo(), LocalApi.REVIEWS_TABLE, new RecordingMetrics());

        RowMove move = rows.move("LOVE", Optional.of(from), to, 4);

        assertEquals(new ReviewRow("LOVE", "52", 0, "7", "Old record", 5), move.row());
        assertEquals("4", api().reviewRow("LOVE").get(Reviews.ROTATION).n());
    }
}
