package dev.refarch.realtime.broadcaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.LocalApiExtension;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Several stream shards at once: each emulated as its own execution environment (its own broadcaster,
 * AppSync client and turn-taker) fed a batch again as soon as the previous one returned, the worst case
 * of a shard that always holds records. DynamoDB Local serves one stream shard, so the concurrency
 * Lambda gives several shards (one invocation per shard at a time, ParallelizationFactor 1) is emulated
 * here, at the broadcaster, on the simulator and DynamoDB Local.
 */
class BroadcastSlotTest {

    @RegisterExtension
    static final LocalApiExtension LOCAL = new LocalApiExtension();

    private static final Duration INTERVAL = Duration.ofMillis(300);
    private static final Duration STORM = Duration.ofSeconds(3);
    private static final int STREAM_SHARDS = 4;

    private static AppSyncClient appSync() {
        return AppSyncClient.builder(AppSyncClientConfig.defaults(LOCAL.api().simulator().graphqlUrl(), Region.US_EAST_1))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCALTEST", "x")))
                .build();
    }

    private static ReviewBroadcaster environment(BroadcastTurns turns) {
        return new ReviewBroadcaster(appSync(), turns, values -> { },
                new ReviewShards(LOCAL.api().dynamo(), LocalApi.REVIEWS_TABLE, 1));
    }

    private static BroadcastSlot slot() {
        return BroadcastSlot.system(LOCAL.api().dynamo(), LocalApi.MOVIES_TABLE, INTERVAL);
    }

    private static void count(String reaction, long count) {
        LOCAL.api().dynamo().updateItem(u -> u.tableName(LocalApi.REVIEWS_TABLE)
                .key(Map.of(Reviews.REACTION, AttributeValue.fromS(reaction)))
                .updateExpression("SET #c = :c ADD #v :one")
                .expressionAttributeNames(Map.of("#c", Reviews.COUNT, "#v", Reviews.VERSION))
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromN(Long.toString(count)),
                        ":one", AttributeValue.fromN("1"))));
    }

    /** Runs the storm and answers the onReviews boards a subscriber got during it, the last one last. */
    private static List<JsonNode> storm(IntFunction<BroadcastTurns> turnsOfShard) throws Exception {
        LOCAL.api().seedReviews("550");
        List<JsonNode> boards = new ArrayList<>();
        try (RealtimeSubscriber subscriber = LOCAL.api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_REVIEWS);
            ExecutorService pool = Executors.newFixedThreadPool(STREAM_SHARDS + 1);
            AtomicInteger sequence = new AtomicInteger();
            long end = System.nanoTime() + STORM.toNanos();
            try {
                List<Future<?>> shards = new ArrayList<>();
                for (int shard = 0; shard < STREAM_SHARDS; shard++) {
                    ReviewBroadcaster broadcaster = environment(turnsOfShard.apply(shard));
                    shards.add(pool.submit(() -> {
                        while (System.nanoTime() < end) {
                            String id = Integer.toString(sequence.incrementAndGet());
                            assertEquals(BroadcastResult.success(), broadcaster.broadcast(
                                    ReviewBroadcasterTest.event(ReviewBroadcasterTest.change(id, "LOVE", 1, 1)),
                                    () -> Duration.ofSeconds(5)));
                        }
                        return null;
                    }));
                }
                Future<?> votes = pool.submit(() -> {
                    long n = 0;
                    while (System.nanoTime() < end) {
                        count("LOVE", ++n);
                    }
                    // The last vote, written as the storm ends: some shard's batch must carry it out.
                    count("LOVE", 1_000_000);
                    return null;
                });
                votes.get();
                for (Future<?> shard : shards) {
                    shard.get();
                }
                // The last vote's own record arrives in one more batch of its stream shard.
                environment(turnsOfShard.apply(0)).broadcast(ReviewBroadcasterTest.event(
                        ReviewBroadcasterTest.change("last", "LOVE", 1, 1)), () -> Duration.ofSeconds(5));
            } finally {
                pool.shutdownNow();
            }
            while (true) {
                try {
                    boards.add(subscriber.awaitNext(Duration.ofSeconds(2)).at("/payload/data/onReviews"));
                } catch (AssertionError | RuntimeException e) {
                    break;
                }
            }
        }
        return boards;
    }

    private static long loveCount(JsonNode board) {
        for (JsonNode review : board.path("reviews")) {
            if ("LOVE".equals(review.path("reaction").asText())) {
                return review.path("count").asLong();
            }
        }
        return -1;
    }

    @Test
    void severalStreamShardsSendAtMostOneBoardPerIntervalAndTheLastVoteGoesOut() throws Exception {
        List<JsonNode> boards = storm(shard -> slot());

        // The storm, plus the final batch's wait for its slot: at most one board per interval of that time.
        long bound = STORM.plus(INTERVAL).toMillis() / INTERVAL.toMillis() + 1;
        assertTrue(boards.size() <= bound, boards.size() + " boards, bound " + bound);
        assertTrue(boards.size() >= 3, "the storm broadcast: " + boards.size());
        assertEquals(1_000_000, loveCount(boards.get(boards.size() - 1)), "the last vote went out");
    }

    /** The baseline: a pacer per environment bounds each shard, so the shards together exceed the bound. */
    @Test
    void aPacerPerEnvironmentDoesNotBoundSeveralStreamShards() throws Exception {
        List<JsonNode> boards = storm(shard -> BroadcastPacer.system(INTERVAL));

        long bound = STORM.plus(INTERVAL).toMillis() / INTERVAL.toMillis() + 1;
        assertTrue(boards.size() > bound, boards.size() + " boards, bound " + bound);
    }
}
