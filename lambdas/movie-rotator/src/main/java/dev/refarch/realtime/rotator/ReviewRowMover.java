package dev.refarch.realtime.rotator;

import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Moves the Reviews rows from one movie to the next: every shard of every reaction
 * ({@code voteShards} per reaction, see {@link Reviews}) in its own atomic conditional write, all
 * in parallel, then the leaderboard once per reaction. Exact while votes keep arriving without any
 * cross-shard transaction: the vote resolver adds to a shard only while the shard's {@code movieId}
 * is the voted movie, and the move takes the shard's final count and switches its {@code movieId}
 * in the same write, so every vote lands on its shard before the move (in that shard's final count)
 * or after it ({@code MovieNotCurrent}, not counted). A showing's final count is the sum of its
 * shards' final counts.
 *
 * <p>The move also keeps the final count on the shard ({@code previousCount}, {@code previousMovieId}),
 * so an invocation that resumes an interrupted rotation knows the final counts of the shards moved
 * before it, and grows the shard's {@code version} by one (as every vote does), so the review
 * broadcaster orders the move among the votes.
 *
 * <p>The leaderboard, on shard 0, takes the showing when its sum beats the entry
 * ({@code topCount < :sum}: an equal count keeps the older record), in one conditional write after
 * all the reaction's shards moved, fenced by {@code topRotation}: a rotation never overwrites the
 * entry of a newer one.
 *
 * <p>Fenced: every shard move stores its rotation number on the shard and requires the shard's to be
 * lower, so an invocation of an older rotation that stalled while newer ones ran can never move a
 * shard back to its own movie (which would lose the newer movie's votes); it gets a
 * {@link StaleRotationException}, and the leaderboard is not written.
 */
public final class ReviewRowMover {

    /** Writes per shard before giving up: the movie it holds can change only by another rotation. */
    public static final int MAX_ATTEMPTS = 3;
    /** Shard moves in flight at once, per rotation. */
    static final int PARALLEL_MOVES = 16;

    private static final String MOVE = "SET #count = :zero, #movieId = :to, #rotation = :rotation, "
            + "#previousCount = if_not_exists(#count, :zero) ADD #version :one";
    /** Shard 0 also holds the leaderboard: its topCount exists from the first move on. */
    private static final String MOVE_SHARD_ZERO = MOVE.replace(" ADD", ", #topCount = if_not_exists(#topCount, :zero) ADD");
    /** Only a newer rotation moves a shard. */
    private static final String FENCE = "(attribute_not_exists(#rotation) OR #rotation < :rotation)";
    private static final String RECORD = "SET #topMovieId = :from, #topMovieTitle = :fromTitle, #topCount = :sum, "
            + "#topRotation = :rotation ADD #version :one";
    private static final String RECORD_CONDITION = "(attribute_not_exists(#topRotation) OR #topRotation < :rotation) "
            + "AND #topCount < :sum";

    private final DynamoDbClient dynamo;
    private final String table;
    private final int shards;
    private final RotatorMetrics metrics;

    /** One shard per reaction: the one-row layout. */
    public ReviewRowMover(DynamoDbClient dynamo, String reviewsTable, RotatorMetrics metrics) {
        this(dynamo, reviewsTable, 1, metrics);
    }

    /** @param voteShards {@code VOTE_SHARDS}: shards per reaction, as the vote resolver spreads votes */
    public ReviewRowMover(DynamoDbClient dynamo, String reviewsTable, int voteShards, RotatorMetrics metrics) {
        if (voteShards < 1) {
            throw new IllegalArgumentException("voteShards " + voteShards + " must be at least 1");
        }
        this.dynamo = dynamo;
        this.table = reviewsTable;
        this.shards = voteShards;
        this.metrics = metrics;
    }

    /**
     * Moves every shard of every reaction to {@code to} for rotation {@code rotation}, in parallel, then
     * records the leaderboard per reaction. With no {@code from} (first rotation) the counts are reset
     * without touching the leaderboard. A shard this rotation already moved is left as is.
     *
     * @throws RowMoveException when a shard could not be moved within {@link #MAX_ATTEMPTS}
     * @throws StaleRotationException when a shard was moved by a newer rotation (no leaderboard is written)
     */
    public List<RowMove> moveAll(Optional<Movie> from, Movie to, long rotation) {
        return moveReactions(Reviews.REACTIONS, from, to, rotation);
    }

    /** Moves one reaction's shards, then its leaderboard entry; see {@link #moveAll}. */
    public RowMove move(String reaction, Optional<Movie> from, Movie to, long rotation) {
        return moveReactions(List.of(reaction), from, to, rotation).get(0);
    }

    private List<RowMove> moveReactions(List<String> reactions, Optional<Movie> from, Movie to, long rotation) {
        List<List<ShardMove>> moved = new ArrayList<>();
        int tasks = reactions.size() * shards;
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_MOVES, tasks));
        try {
            List<List<Future<ShardMove>>> futures = new ArrayList<>();
            for (String reaction : reactions) {
                List<Future<ShardMove>> ofReaction = new ArrayList<>(shards);
                for (int shard = 0; shard < shards; shard++) {
                    int s = shard;
                    ofReaction.add(pool.submit(() -> moveShard(reaction, s, from, to, rotation)));
                }
                futures.add(ofReaction);
            }
            RuntimeException failure = null;
            for (List<Future<ShardMove>> ofReaction : futures) {
                List<ShardMove> results = new ArrayList<>(shards);
                for (Future<ShardMove> future : ofReaction) {
                    try {
                        results.add(future.get());
                    } catch (ExecutionException e) {
                        // Every move is waited for; a stale rotation is the failure worth reporting first.
                        RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                                : new IllegalStateException(e.getCause());
                        if (failure == null || cause instanceof StaleRotationException) {
                            failure = cause;
                        }
                    }
                }
                moved.add(results);
            }
            if (failure != null) {
                throw failure;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RowMoveException("interrupted while moving the Reviews shards to " + to.id());
        } finally {
            pool.shutdownNow();
        }
        List<RowMove> moves = new ArrayList<>(reactions.size());
        for (int i = 0; i < reactions.size(); i++) {
            moves.add(finish(reactions.get(i), moved.get(i), from, rotation));
        }
        return moves;
    }

    /** Sums the reaction's final counts and writes its leaderboard entry when the showing beat it. */
    private RowMove finish(String reaction, List<ShardMove> moved, Optional<Movie> from, long rotation) {
        long finalCount = 0;
        boolean complete = true;
        long count = 0;
        int attempts = 0;
        Map<String, AttributeValue> shardZero = Map.of();
        String movieId = null;
        for (ShardMove shard : moved) {
            attempts = Math.max(attempts, shard.attempts());
            count += number(shard.after(), Reviews.COUNT);
            movieId = MovieItems.s(shard.after(), Reviews.MOVIE_ID);
            if (shard.shard() == 0) {
                shardZero = shard.after();
            }
            if (shard.finalCount().isPresent()) {
                finalCount += shard.finalCount().getAsLong();
            } else {
                complete = false;
            }
        }
        boolean record = false;
        String topMovieId = MovieItems.s(shardZero, Reviews.TOP_MOVIE_ID);
        String topMovieTitle = MovieItems.s(shardZero, Reviews.TOP_MOVIE_TITLE);
        long topCount = number(shardZero, Reviews.TOP_COUNT);
        if (from.isPresent() && complete) {
            Map<String, AttributeValue> entry = recordLeaderboard(reaction, from.get(), finalCount, rotation);
            record = entry == null;
            if (record) {
                topMovieId = from.get().id();
                topMovieTitle = from.get().title();
                topCount = finalCount;
            } else {
                topMovieId = MovieItems.s(entry, Reviews.TOP_MOVIE_ID);
                topMovieTitle = MovieItems.s(entry, Reviews.TOP_MOVIE_TITLE);
                topCount = number(entry, Reviews.TOP_COUNT);
            }
        }
        return new RowMove(new ReviewRow(reaction, movieId, count, topMovieId, topMovieTitle, topCount),
                complete && from.isPresent() ? OptionalLong.of(finalCount) : OptionalLong.empty(), record, attempts);
    }

    /**
     * Writes {@code from} with {@code sum} as the reaction's leaderboard entry if the sum beats it and no
     * newer rotation wrote it. Returns null when written, else the entry as stored.
     */
    private Map<String, AttributeValue> recordLeaderboard(String reaction, Movie from, long sum, long rotation) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(Map.of(Reviews.REACTION, AttributeValue.fromS(reaction)))
                    .updateExpression(RECORD)
                    .conditionExpression(RECORD_CONDITION)
                    .expressionAttributeNames(Map.of("#topMovieId", Reviews.TOP_MOVIE_ID,
                            "#topMovieTitle", Reviews.TOP_MOVIE_TITLE, "#topCount", Reviews.TOP_COUNT,
                            "#topRotation", Reviews.TOP_ROTATION, "#version", Reviews.VERSION))
                    .expressionAttributeValues(Map.of(":from", AttributeValue.fromS(from.id()),
                            ":fromTitle", AttributeValue.fromS(from.title()),
                            ":sum", AttributeValue.fromN(Long.toString(sum)),
                            ":rotation", AttributeValue.fromN(Long.toString(rotation)),
                            ":one", AttributeValue.fromN("1")))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return null;
        } catch (ConditionalCheckFailedException e) {
            return e.hasItem() ? e.item() : Map.of();
        }
    }

    /**
     * The outcome of one shard's move.
     *
     * @param finalCount the shard's final count of {@code from}'s showing, empty when not known (no
     *                   {@code from}, or the shard held another movie)
     */
    private record ShardMove(int shard, Map<String, AttributeValue> after, OptionalLong finalCount, int attempts) {
    }

    private ShardMove moveShard(String reaction, int shard, Optional<Movie> from, Movie to, long rotation) {
        // The movie the shard is expected to hold; null means "no movieId attribute".
        String expected = from.map(Movie::id).orElse(null);
        // Whether the count the move takes is part of from's showing.
        boolean ofFrom = from.isPresent();
        String key = Reviews.shardKey(reaction, shard);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> before;
            try {
                before = dynamo.updateItem(update(key, shard, expected, ofFrom ? from.get().id() : null, to, rotation))
                        .attributes();
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> seen = e.hasItem() ? e.item() : Map.of();
                String seenMovie = MovieItems.s(seen, Reviews.MOVIE_ID);
                long seenRotation = number(seen, Reviews.ROTATION);
                if (seenRotation == rotation && to.id().equals(seenMovie)) {
                    // Moved already, by the interrupted invocation this one resumes: its final count is kept.
                    boolean counted = from.isPresent() && seen.containsKey(Reviews.PREVIOUS_COUNT)
                            && from.get().id().equals(MovieItems.s(seen, Reviews.PREVIOUS_MOVIE_ID));
                    return new ShardMove(shard, seen,
                            counted ? OptionalLong.of(number(seen, Reviews.PREVIOUS_COUNT)) : OptionalLong.empty(),
                            attempt);
                }
                if (seenRotation >= rotation) {
                    throw new StaleRotationException("row " + key + " was moved by rotation " + seenRotation
                            + " (movie " + seenMovie + "); rotation " + rotation + " to movie " + to.id()
                            + " is stale and moves nothing");
                }
                if (Objects.equals(seenMovie, expected)) {
                    continue;
                }
                if (seen.isEmpty()) {
                    // A shard not created yet (voteShards was raised): no vote can have landed on it, so
                    // it adds 0 to the showing; created by this move.
                    expected = null;
                    continue;
                }
                // The shard belongs to a movie this rotation does not know (seeded by hand, or left by an
                // abandoned rotation): moved, its count not part of the showing.
                metrics.count(RotatorMetrics.ROW_MOVE_RETRIES);
                expected = seenMovie;
                ofFrom = false;
                continue;
            }
            Map<String, AttributeValue> after = new HashMap<>(before == null ? Map.of() : before);
            long finalCount = number(after, Reviews.COUNT);
            after.put(Reviews.MOVIE_ID, AttributeValue.fromS(to.id()));
            after.put(Reviews.COUNT, AttributeValue.fromN("0"));
            return new ShardMove(shard, after, ofFrom ? OptionalLong.of(finalCount) : OptionalLong.empty(), attempt);
        }
        throw new RowMoveException("row " + key + " did not move to " + to.id() + " after " + MAX_ATTEMPTS
                + " attempts; its movie kept changing. The pending rotation is resumed next tick.");
    }

    /**
     * @param expected the movie the shard must hold, null for none
     * @param showing  the movie whose showing the shard's count is part of, kept as {@code previousMovieId}
     */
    private UpdateItemRequest update(String key, int shard, String expected, String showing, Movie to,
            long rotation) {
        Map<String, String> names = new HashMap<>(Map.of("#count", Reviews.COUNT, "#movieId", Reviews.MOVIE_ID,
                "#rotation", Reviews.ROTATION, "#version", Reviews.VERSION,
                "#previousCount", Reviews.PREVIOUS_COUNT, "#previousMovieId", Reviews.PREVIOUS_MOVIE_ID));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":zero", AttributeValue.fromN("0"),
                ":to", AttributeValue.fromS(to.id()), ":rotation", AttributeValue.fromN(Long.toString(rotation)),
                ":one", AttributeValue.fromN("1")));
        String expression = shard == 0 ? MOVE_SHARD_ZERO : MOVE;
        if (shard == 0) {
            names.put("#topCount", Reviews.TOP_COUNT);
        }
        String condition = FENCE + " AND " + (expected == null ? "attribute_not_exists(#movieId)" : "#movieId = :from");
        if (expected != null) {
            values.put(":from", AttributeValue.fromS(expected));
        }
        if (showing != null) {
            values.put(":showing", AttributeValue.fromS(showing));
            expression = expression.replace(" ADD", ", #previousMovieId = :showing ADD");
        } else {
            expression = expression + " REMOVE #previousMovieId";
        }
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(Reviews.REACTION, AttributeValue.fromS(key)))
                .updateExpression(expression)
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_OLD)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
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
