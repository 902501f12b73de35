package dev.refarch.realtime.rotator;

import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Moves the five Reviews rows from one movie to the next, one atomic conditional write per
 * row and no read before it, so it is exact while votes keep arriving: the vote resolver adds
 * to a row only while the row's {@code movieId} is the voted movie, and the move takes the
 * final count and switches {@code movieId} in the same write.
 *
 * <p>Per row, attempt A records the showing on the leaderboard when it beat the entry
 * ({@code #count > topCount}, evaluated on the item before the write); attempt B only
 * resets when it did not. If a vote lands between A's and B's evaluation both conditions can
 * fail in turn, so they alternate, a bounded number of times.
 *
 * <p>Every move also grows the row's {@code version} by one in the same write (as every vote
 * does), so the review broadcaster, which publishes the row from the table's stream, gives
 * clients a number that orders the move among the votes.
 *
 * <p>Fenced: every move stores its rotation number on the row and requires the row's to be
 * lower, so an invocation of an older rotation that stalled while newer ones ran can never
 * move a row back to its own movie (which would lose the newer movie's votes); it gets a
 * {@link StaleRotationException} and changes nothing.
 */
public final class ReviewRowMover {

    /** Alternations of A and B before giving up; each failure means a vote won a race. */
    public static final int MAX_ATTEMPTS = 50;

    private static final String MOVE_AND_RECORD = "SET #topMovieId = :from, #topMovieTitle = :fromTitle, "
            + "#topCount = #count, #count = :zero, #movieId = :to, #rotation = :rotation ADD #version :one";
    private static final String MOVE = "SET #count = :zero, #movieId = :to, #topCount = if_not_exists(#topCount, :zero), "
            + "#rotation = :rotation ADD #version :one";
    /** Only a newer rotation moves a row. */
    private static final String FENCE = "(attribute_not_exists(#rotation) OR #rotation < :rotation)";

    private final DynamoDbClient dynamo;
    private final String table;
    private final RotatorMetrics metrics;

    public ReviewRowMover(DynamoDbClient dynamo, String reviewsTable, RotatorMetrics metrics) {
        this.dynamo = dynamo;
        this.table = reviewsTable;
        this.metrics = metrics;
    }

    /**
     * Moves every row to {@code to} for rotation {@code rotation}. With no {@code from} (first
     * rotation) the rows' counts are reset without touching the leaderboard. A row this
     * rotation already moved is left as is.
     *
     * @throws RowMoveException when a row could not be moved within {@link #MAX_ATTEMPTS}
     * @throws StaleRotationException when a row was moved by a newer rotation (nothing more is moved)
     */
    public List<RowMove> moveAll(Optional<Movie> from, Movie to, long rotation) {
        List<RowMove> moves = new ArrayList<>(Reviews.REACTIONS.size());
        for (String reaction : Reviews.REACTIONS) {
            moves.add(move(reaction, from, to, rotation));
        }
        return moves;
    }

    /** Moves one row; see the class comment. */
    public RowMove move(String reaction, Optional<Movie> from, Movie to, long rotation) {
        // The movie the row is expected to hold; null means "no movieId attribute".
        String expected = from.map(Movie::id).orElse(null);
        boolean recordLeaderboard = from.isPresent();
        boolean tryRecordFirst = true;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            boolean record = recordLeaderboard && tryRecordFirst;
            Map<String, AttributeValue> before;
            try {
                before = dynamo.updateItem(update(reaction, expected, record, recordLeaderboard,
                        from.orElse(null), to, rotation)).attributes();
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> seen = e.hasItem() ? e.item() : Map.of();
                String seenMovie = MovieItems.s(seen, Reviews.MOVIE_ID);
                long seenRotation = number(seen, Reviews.ROTATION);
                if (seenRotation == rotation && to.id().equals(seenMovie)) {
                    // Moved already, by the interrupted invocation this one resumes.
                    return new RowMove(row(reaction, seen), OptionalLong.empty(), false, attempt);
                }
                if (seenRotation >= rotation) {
                    throw new StaleRotationException("row " + reaction + " was moved by rotation " + seenRotation
                            + " (movie " + seenMovie + "); rotation " + rotation + " to movie " + to.id()
                            + " is stale and moves nothing");
                }
                if (Objects.equals(seenMovie, expected)) {
                    if (recordLeaderboard) {
                        // The other condition holds now (or a vote raced in): try it.
                        tryRecordFirst = !tryRecordFirst;
                        if (attempt > 2) {
                            metrics.count(RotatorMetrics.ROW_MOVE_RETRIES);
                        }
                    }
                    continue;
                }
                // The row belongs to a movie this rotation does not know (seeded by hand, or
                // left by an older deployment): move it without a leaderboard entry.
                metrics.count(RotatorMetrics.ROW_MOVE_RETRIES);
                expected = seenMovie;
                recordLeaderboard = false;
                continue;
            }
            long finalCount = number(before, Reviews.COUNT);
            ReviewRow after;
            if (record) {
                after = new ReviewRow(reaction, to.id(), 0, from.get().id(), from.get().title(), finalCount);
            } else {
                after = new ReviewRow(reaction, to.id(), 0, MovieItems.s(before, Reviews.TOP_MOVIE_ID),
                        MovieItems.s(before, Reviews.TOP_MOVIE_TITLE), number(before, Reviews.TOP_COUNT));
            }
            return new RowMove(after, OptionalLong.of(finalCount), record, attempt);
        }
        throw new RowMoveException("row " + reaction + " did not move to " + to.id() + " after " + MAX_ATTEMPTS
                + " attempts; votes kept racing the move. The pending rotation is resumed next tick.");
    }

    private UpdateItemRequest update(String reaction, String expected, boolean record, boolean leaderboardRun,
            Movie from, Movie to, long rotation) {
        Map<String, String> names = new HashMap<>(Map.of("#count", Reviews.COUNT, "#movieId", Reviews.MOVIE_ID,
                "#topCount", Reviews.TOP_COUNT, "#rotation", Reviews.ROTATION, "#version", Reviews.VERSION));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":zero", AttributeValue.fromN("0"),
                ":to", AttributeValue.fromS(to.id()), ":rotation", AttributeValue.fromN(Long.toString(rotation)),
                ":one", AttributeValue.fromN("1")));
        String condition = FENCE + " AND " + (expected == null ? "attribute_not_exists(#movieId)" : "#movieId = :from");
        if (expected != null) {
            values.put(":from", AttributeValue.fromS(expected));
        }
        String expression;
        if (record) {
            names.put("#topMovieId", Reviews.TOP_MOVIE_ID);
            names.put("#topMovieTitle", Reviews.TOP_MOVIE_TITLE);
            values.put(":fromTitle", AttributeValue.fromS(from.title()));
            expression = MOVE_AND_RECORD;
            condition += " AND #count > #topCount";
        } else {
            expression = MOVE;
            if (leaderboardRun) {
                condition += " AND #count <= #topCount";
            }
        }
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(Reviews.REACTION, AttributeValue.fromS(reaction)))
                .updateExpression(expression)
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_OLD)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private static ReviewRow row(String reaction, Map<String, AttributeValue> item) {
        return new ReviewRow(reaction, MovieItems.s(item, Reviews.MOVIE_ID), number(item, Reviews.COUNT),
                MovieItems.s(item, Reviews.TOP_MOVIE_ID), MovieItems.s(item, Reviews.TOP_MOVIE_TITLE),
                number(item, Reviews.TOP_COUNT));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    /** A row could not be moved; the rotation stays pending. */
    public static final class RowMoveException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RowMoveException(String message) {
            super(message);
        }
    }
}
