package dev.refarch.realtime.broadcaster;

import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * A reaction's total from its {@code voteShards} items (see {@link Reviews}): a stream record carries
 * one shard, so the broadcaster reads all the changed reactions' shards, strongly consistent (each
 * read is at least as new as the record that triggered it), in {@code BatchGetItem} calls of up to
 * {@value #KEYS_PER_REQUEST} keys, and sums them as the {@code reviews} query does.
 *
 * <p>Read cost: one strongly consistent read (1 read unit per item under 4 KB) per shard of each
 * changed reaction, per broadcast: at most 5 x voteShards reads per {@code reviewBroadcastMillis}
 * per stream shard, whatever the vote rate (e.g. 2,000 reads per broadcast at 400 shards); each item
 * is read at most once per broadcast, far under the per-partition read ceiling.
 */
public final class ReviewShards {

    /** DynamoDB's limit on the keys of one BatchGetItem. */
    static final int KEYS_PER_REQUEST = 100;
    /** Rounds for keys DynamoDB leaves unprocessed before the batch is retried instead. */
    static final int MAX_ROUNDS = 10;

    private final DynamoDbClient dynamo;
    private final String table;
    private final int shards;

    public ReviewShards(DynamoDbClient dynamo, String reviewsTable, int voteShards) {
        if (voteShards < 1) {
            throw new IllegalArgumentException("voteShards " + voteShards + " must be at least 1");
        }
        this.dynamo = dynamo;
        this.table = reviewsTable;
        this.shards = voteShards;
    }

    /** The DynamoDB client it reads with (primed before a SnapStart snapshot). */
    DynamoDbClient dynamo() {
        return dynamo;
    }

    /**
     * The totals of the given reactions, in their order.
     *
     * @throws IllegalStateException when DynamoDB left keys unprocessed after {@value #MAX_ROUNDS} rounds
     */
    public List<ReviewState> totals(List<String> reactions) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String reaction : reactions) {
            for (int shard = 0; shard < shards; shard++) {
                keys.add(Map.of(Reviews.REACTION, AttributeValue.fromS(Reviews.shardKey(reaction, shard))));
            }
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_REQUEST) {
            items.addAll(read(keys.subList(from, Math.min(keys.size(), from + KEYS_PER_REQUEST))));
        }
        return sum(reactions, items);
    }

    private List<Map<String, AttributeValue>> read(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, KeysAndAttributes> request = Map.of(table,
                KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        for (int round = 0; round < MAX_ROUNDS && !request.isEmpty(); round++) {
            Map<String, KeysAndAttributes> pending = request;
            BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(pending));
            items.addAll(response.responses().getOrDefault(table, List.of()));
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        if (!request.isEmpty()) {
            throw new IllegalStateException("DynamoDB left " + request.get(table).keys().size()
                    + " Reviews shards unread after " + MAX_ROUNDS + " rounds");
        }
        return items;
    }

    /**
     * Per reaction: the movie and the summed count of the shards the newest rotation moved (the others
     * are still held by the previous movie during a rotation), the sum of every shard's version (each
     * only grows, so the sum does), the leaderboard of shard 0. Shards at or above voteShards are not
     * read. A reaction without any item is left out.
     */
    List<ReviewState> sum(List<String> reactions, List<Map<String, AttributeValue>> items) {
        Map<String, Total> totals = new LinkedHashMap<>();
        reactions.forEach(r -> totals.put(r, new Total(r)));
        for (Map<String, AttributeValue> item : items) {
            String key = string(item, Reviews.REACTION);
            Total total = key == null ? null : totals.get(Reviews.reactionOf(key));
            int shard = key == null ? -1 : Reviews.shardOf(key);
            if (total != null && shard >= 0 && shard < shards) {
                total.add(shard, item);
            }
        }
        List<ReviewState> states = new ArrayList<>();
        for (Total total : totals.values()) {
            if (total.seen) {
                states.add(total.state());
            }
        }
        return states;
    }

    private static final class Total {
        private final String reaction;
        private boolean seen;
        private long rotation = -1;
        private String movieId;
        private long count;
        private long version;
        private String topMovieId;
        private String topMovieTitle;
        private long topCount;

        Total(String reaction) {
            this.reaction = reaction;
        }

        void add(int shard, Map<String, AttributeValue> item) {
            seen = true;
            version += number(item, Reviews.VERSION);
            if (shard == 0) {
                topMovieId = string(item, Reviews.TOP_MOVIE_ID);
                topMovieTitle = string(item, Reviews.TOP_MOVIE_TITLE);
                topCount = number(item, Reviews.TOP_COUNT);
            }
            long itemRotation = number(item, Reviews.ROTATION);
            String itemMovie = string(item, Reviews.MOVIE_ID);
            if (itemRotation > rotation) {
                rotation = itemRotation;
                movieId = itemMovie;
                count = number(item, Reviews.COUNT);
            } else if (itemRotation == rotation && java.util.Objects.equals(itemMovie, movieId)) {
                count += number(item, Reviews.COUNT);
            }
        }

        ReviewState state() {
            return new ReviewState(reaction, movieId, count, topMovieId, topMovieTitle, topCount, version);
        }
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }
}
