package dev.refarch.realtime.graphql.testing;

import dev.refarch.realtime.graphql.TableContract;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The GraphQL API running locally for a test class: DynamoDB Local with the API's tables and
 * the AppSync simulator in front of it. Tests get one shared instance through
 * {@link LocalApiExtension}; other modules may start their own and close it after.
 */
public final class LocalApi implements AutoCloseable {

    public static final String REVIEWS_TABLE = "Reviews";
    public static final String MOVIES_TABLE = "Movies";
    public static final String TICKS_TABLE = "Ticks";

    private final DynamoDbLocal dynamo;
    private final DynamoDbClient client;
    private final AppSyncSimulator simulator;

    private LocalApi(DynamoDbLocal dynamo, DynamoDbClient client, AppSyncSimulator simulator) {
        this.dynamo = dynamo;
        this.client = client;
        this.simulator = simulator;
    }

    /** Starts DynamoDB Local, creates the tables, then starts the simulator against them. */
    public static LocalApi start() {
        return start(1);
    }

    /** As {@link #start()}, with the vote resolver spreading each reaction over {@code voteShards} shards. */
    public static LocalApi start(int voteShards) {
        DynamoDbLocal dynamo = DynamoDbLocal.start();
        try {
            dynamo.createApiTables(REVIEWS_TABLE, MOVIES_TABLE, TICKS_TABLE);
            DynamoDbClient client = dynamo.client();
            try {
                AppSyncSimulator simulator = AppSyncSimulator.start(dynamo.endpoint(),
                        Map.of("reviews", REVIEWS_TABLE, "movies", MOVIES_TABLE, "ticks", TICKS_TABLE),
                        AppSyncSimulator.DEFAULT_API_KEY,
                        Map.of(AppSyncSimulator.VOTE_SHARDS_ENV, Integer.toString(voteShards)));
                return new LocalApi(dynamo, client, simulator);
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
        } catch (RuntimeException e) {
            dynamo.close();
            throw e;
        }
    }

    public AppSyncSimulator simulator() {
        return simulator;
    }

    /** The DynamoDB Local endpoint the simulator's data sources use. */
    public java.net.URI dynamoDbEndpoint() {
        return dynamo.endpoint();
    }

    public DynamoDbClient dynamo() {
        return client;
    }

    public GraphqlClient apiKeyClient() {
        return simulator.apiKeyClient();
    }

    public GraphqlClient iamClient() {
        return simulator.iamClient();
    }

    /** A real-time connection authenticated with the API key. */
    public RealtimeSubscriber apiKeySubscriber() {
        return RealtimeSubscriber.connect(simulator.realtimeUrl(), apiKeyClient().authHeaders());
    }

    /**
     * Writes the five Reviews rows directly, as the seeding task does: count 0, topCount 0,
     * each row belonging to {@code movieId}. Overwrites whatever was there.
     */
    public void seedReviews(String movieId) {
        for (String reaction : Reviews.REACTIONS) {
            client.putItem(p -> p.tableName(REVIEWS_TABLE).item(Map.of(
                    Reviews.REACTION, AttributeValue.fromS(reaction),
                    Reviews.MOVIE_ID, AttributeValue.fromS(movieId),
                    Reviews.COUNT, AttributeValue.fromN("0"),
                    Reviews.TOP_COUNT, AttributeValue.fromN("0"))));
        }
    }

    /** The stored Reviews row of a reaction, read consistently. */
    public Map<String, AttributeValue> reviewRow(String reaction) {
        return new HashMap<>(client.getItem(g -> g.tableName(REVIEWS_TABLE).consistentRead(true)
                .key(Map.of(Reviews.REACTION, AttributeValue.fromS(reaction)))).item());
    }

    /** The stored count of a reaction. */
    public long storedCount(String reaction) {
        return Long.parseLong(reviewRow(reaction).get(Reviews.COUNT).n());
    }

    /**
     * A reaction's count for {@code movieId}: the sum of its shards' counts ({@code voteShards} of them)
     * that belong to that movie, read consistently.
     */
    public long storedTotal(String reaction, int voteShards, String movieId) {
        long total = 0;
        for (int shard = 0; shard < voteShards; shard++) {
            String key = Reviews.shardKey(reaction, shard);
            Map<String, AttributeValue> item = client.getItem(g -> g.tableName(REVIEWS_TABLE).consistentRead(true)
                    .key(Map.of(Reviews.REACTION, AttributeValue.fromS(key)))).item();
            if (item != null && item.containsKey(Reviews.MOVIE_ID) && movieId.equals(item.get(Reviews.MOVIE_ID).s())) {
                total += Long.parseLong(item.get(Reviews.COUNT).n());
            }
        }
        return total;
    }

    /** The stored current movie item, or an empty map. */
    public Map<String, AttributeValue> currentMovieItem() {
        return client.getItem(g -> g.tableName(MOVIES_TABLE).consistentRead(true)
                .key(Map.of(TableContract.Movies.PK, AttributeValue.fromS(TableContract.Movies.CURRENT)))).item();
    }

    /** The stored latest tick of a symbol, or an empty map. */
    public Map<String, AttributeValue> tickItem(String symbol) {
        return client.getItem(g -> g.tableName(TICKS_TABLE).consistentRead(true)
                .key(Map.of(TableContract.Ticks.SYMBOL, AttributeValue.fromS(symbol)))).item();
    }

    @Override
    public void close() {
        try {
            simulator.close();
        } finally {
            try {
                client.close();
            } finally {
                dynamo.close();
            }
        }
    }
}
