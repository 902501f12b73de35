package dev.refarch.realtime.cli;

import dev.refarch.realtime.graphql.testing.DynamoDbLocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ReviewsSeederTest {

    private static DynamoDbLocal dynamoDbLocal;
    private static DynamoDbClient dynamo;
    private static ReviewsTableFixture tables;

    @BeforeAll
    static void startDynamoDbLocal() {
        dynamoDbLocal = DynamoDbLocal.start();
        dynamo = dynamoDbLocal.client();
        tables = new ReviewsTableFixture(dynamo);
    }

    @AfterAll
    static void stopDynamoDbLocal() {
        dynamo.close();
        dynamoDbLocal.close();
    }

    @Test
    void seedCreatesExactlyTheFiveInitialRows() {
        String table = tables.newTable();

        List<RowOutcome> outcomes = new ReviewsSeeder(dynamo, table).seed();

        assertEquals(List.of("created LOVE", "created LIKE", "created MEH", "created UNKNOWN", "created HATE"),
                lines(outcomes));
        Map<String, Map<String, AttributeValue>> rows = tables.rows(table);
        assertEquals(Reviews.REACTIONS.stream().sorted().toList(), List.copyOf(rows.keySet()));
        rows.forEach((reaction, row) -> assertEquals(
                Map.of(Reviews.REACTION, AttributeValue.fromS(reaction),
                        Reviews.COUNT, AttributeValue.fromN("0"),
                        Reviews.TOP_COUNT, AttributeValue.fromN("0")),
                row));
    }

    @Test
    void seedTwiceKeepsExistingCounts() {
        String table = tables.newTable();
        ReviewsSeeder seeder = new ReviewsSeeder(dynamo, table);
        seeder.seed();
        tables.put(table, ReviewsTableFixture.votedRow("LIKE", 12));
        var before = tables.rows(table);

        List<RowOutcome> outcomes = seeder.seed();

        assertEquals(before, tables.rows(table));
        assertEquals(List.of("kept LOVE (count 0)", "kept LIKE (count 12)", "kept MEH (count 0)",
                "kept UNKNOWN (count 0)", "kept HATE (count 0)"), lines(outcomes));
    }

    @Test
    void seedCreatesOnlyTheMissingRows() {
        String table = tables.newTable();
        tables.put(table, ReviewsTableFixture.votedRow("MEH", 3));

        List<RowOutcome> outcomes = new ReviewsSeeder(dynamo, table).seed();

        assertEquals(ReviewsTableFixture.votedRow("MEH", 3), tables.rows(table).get("MEH"));
        assertEquals(5, tables.rows(table).size());
        assertEquals("kept MEH (count 3)", lines(outcomes).get(2));
    }

    @Test
    void resetZeroesCountsAndKeepsLeaderboardAndCurrentMovie() {
        String table = tables.newTable();
        for (String reaction : Reviews.REACTIONS) {
            tables.put(table, ReviewsTableFixture.votedRow(reaction, 5));
        }

        List<RowOutcome> outcomes = new ReviewsSeeder(dynamo, table).reset(false);

        assertEquals("reset LOVE (count 5 -> 0)", lines(outcomes).get(0));
        tables.rows(table).forEach((reaction, row) ->
                assertEquals(versioned(ReviewsTableFixture.votedRow(reaction, 0), 1), row));
    }

    @Test
    void resetAllClearsLeaderboardAndKeepsCurrentMovie() {
        String table = tables.newTable();
        for (String reaction : Reviews.REACTIONS) {
            tables.put(table, ReviewsTableFixture.votedRow(reaction, 5));
        }

        List<RowOutcome> outcomes = new ReviewsSeeder(dynamo, table).reset(true);

        assertEquals("reset HATE (count 5 -> 0, leaderboard cleared)", lines(outcomes).get(4));
        tables.rows(table).forEach((reaction, row) -> assertEquals(
                Map.of(Reviews.REACTION, AttributeValue.fromS(reaction),
                        Reviews.COUNT, AttributeValue.fromN("0"),
                        Reviews.MOVIE_ID, AttributeValue.fromS("movie-42"),
                        Reviews.TOP_COUNT, AttributeValue.fromN("0"),
                        Reviews.VERSION, AttributeValue.fromN("1")),
                row));
    }

    /** A reset is a write like a vote: the row's version grows, so broadcast clients take the zero. */
    @Test
    void resetGrowsEachRowsVersion() {
        String table = tables.newTable();
        tables.put(table, versioned(ReviewsTableFixture.votedRow("LIKE", 9), 41));
        ReviewsSeeder seeder = new ReviewsSeeder(dynamo, table);

        seeder.reset(false);
        assertEquals("42", tables.rows(table).get("LIKE").get(Reviews.VERSION).n());
        seeder.reset(true);
        assertEquals("43", tables.rows(table).get("LIKE").get(Reviews.VERSION).n());
    }

    private static Map<String, AttributeValue> versioned(Map<String, AttributeValue> row, long version) {
        Map<String, AttributeValue> copy = new java.util.HashMap<>(row);
        copy.put(Reviews.VERSION, AttributeValue.fromN(Long.toString(version)));
        return copy;
    }

    @Test
    void resetCreatesMissingRowsAsFreshlySeeded() {
        String table = tables.newTable();
        tables.put(table, ReviewsTableFixture.votedRow("LOVE", 8));

        List<RowOutcome> outcomes = new ReviewsSeeder(dynamo, table).reset(false);

        assertEquals(List.of("reset LOVE (count 8 -> 0)", "created LIKE", "created MEH", "created UNKNOWN",
                "created HATE"), lines(outcomes));
        Map<String, Map<String, AttributeValue>> rows = tables.rows(table);
        assertEquals(InitialReviewRows.initialItem("HATE"), rows.get("HATE"));
        assertEquals(versioned(ReviewsTableFixture.votedRow("LOVE", 0), 1), rows.get("LOVE"));
    }

    @Test
    void initialItemRejectsUnknownReaction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InitialReviewRows.initialItem("WOW"));
        assertFalse(e.getMessage().isBlank());
    }

    private static List<String> lines(List<RowOutcome> outcomes) {
        return outcomes.stream().map(RowOutcome::line).collect(Collectors.toList());
    }
}
