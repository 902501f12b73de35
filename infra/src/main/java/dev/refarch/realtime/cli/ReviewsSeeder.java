package dev.refarch.realtime.cli;

import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Seeds and resets the five rows of a Reviews table. Every write is conditional or
 * idempotent, so running it twice, or while votes arrive, never loses a vote it was not
 * asked to clear.
 */
public final class ReviewsSeeder {

    // Placeholders everywhere: COUNT is a DynamoDB reserved word. DynamoDB rejects
    // placeholders that an expression does not use, hence one map per update.
    // Every write to a row grows its version, so the review broadcaster's clients take the reset.
    private static final String RESET_COUNT = "SET #count = :zero ADD #version :one";
    private static final Map<String, String> RESET_COUNT_NAMES = Map.of(
            "#reaction", Reviews.REACTION,
            "#count", Reviews.COUNT,
            "#version", Reviews.VERSION);
    private static final String RESET_ALL = "SET #count = :zero, #topCount = :zero REMOVE #topMovieId, #topMovieTitle "
            + "ADD #version :one";
    private static final Map<String, String> RESET_ALL_NAMES = Map.of(
            "#reaction", Reviews.REACTION,
            "#count", Reviews.COUNT,
            "#topCount", Reviews.TOP_COUNT,
            "#topMovieId", Reviews.TOP_MOVIE_ID,
            "#topMovieTitle", Reviews.TOP_MOVIE_TITLE,
            "#version", Reviews.VERSION);
    private static final AttributeValue ZERO = AttributeValue.fromN("0");

    private final DynamoDbClient dynamo;
    private final String tableName;

    public ReviewsSeeder(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    /** Creates the rows that are missing; existing rows, and their counts, stay as they are. */
    public List<RowOutcome> seed() {
        List<RowOutcome> outcomes = new ArrayList<>();
        for (String reaction : Reviews.REACTIONS) {
            outcomes.add(createIfMissing(reaction)
                    .map(existing -> new RowOutcome(reaction, RowOutcome.Action.KEPT, count(existing)))
                    .orElseGet(() -> new RowOutcome(reaction, RowOutcome.Action.CREATED, null)));
        }
        return outcomes;
    }

    /**
     * Sets every row's count to 0, creating missing rows. The leaderboard entry stays unless
     * {@code clearLeaderboard}, which zeroes {@code topCount} and removes the top movie. The
     * current {@code movieId} always stays, so votes for the current showing keep counting.
     */
    public List<RowOutcome> reset(boolean clearLeaderboard) {
        String update = clearLeaderboard ? RESET_ALL : RESET_COUNT;
        Map<String, String> names = clearLeaderboard ? RESET_ALL_NAMES : RESET_COUNT_NAMES;
        RowOutcome.Action action = clearLeaderboard ? RowOutcome.Action.RESET_ALL : RowOutcome.Action.RESET;
        List<RowOutcome> outcomes = new ArrayList<>();
        for (String reaction : Reviews.REACTIONS) {
            // A missing row is created from the one initial definition, which already is reset.
            if (createIfMissing(reaction).isEmpty()) {
                outcomes.add(new RowOutcome(reaction, RowOutcome.Action.CREATED, null));
                continue;
            }
            Map<String, AttributeValue> before = dynamo.updateItem(u -> u.tableName(tableName)
                    .key(Map.of(Reviews.REACTION, AttributeValue.fromS(reaction)))
                    .updateExpression(update)
                    // Only touch a row that exists, so a reset never writes a partial row.
                    .conditionExpression("attribute_exists(#reaction)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":zero", ZERO, ":one", AttributeValue.fromN("1")))
                    .returnValues(ReturnValue.ALL_OLD))
                    .attributes();
            outcomes.add(new RowOutcome(reaction, action, count(before)));
        }
        return outcomes;
    }

    /** Puts the initial item if the row is missing; otherwise returns the existing row. */
    private Optional<Map<String, AttributeValue>> createIfMissing(String reaction) {
        try {
            dynamo.putItem(p -> p.tableName(tableName)
                    .item(InitialReviewRows.initialItem(reaction))
                    .conditionExpression("attribute_not_exists(#reaction)")
                    .expressionAttributeNames(Map.of("#reaction", Reviews.REACTION))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Optional.empty();
        } catch (ConditionalCheckFailedException existing) {
            return Optional.of(existing.item());
        }
    }

    private static String count(Map<String, AttributeValue> item) {
        AttributeValue count = item.get(Reviews.COUNT);
        return count == null ? null : count.n();
    }
}
