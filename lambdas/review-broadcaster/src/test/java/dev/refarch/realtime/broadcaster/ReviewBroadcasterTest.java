package dev.refarch.realtime.broadcaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.LocalApiExtension;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The broadcaster against the AppSync simulator (with the selection-set bridge) and DynamoDB Local, on a test clock. */
class ReviewBroadcasterTest {

    @RegisterExtension
    static final LocalApiExtension LOCAL = new LocalApiExtension();

    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration PLENTY = Duration.ofSeconds(20);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<Duration> waits = new ArrayList<>();
    private final BroadcastPacer pacer = new BroadcastPacer(INTERVAL, clock::get, d -> {
        waits.add(d);
        clock.addAndGet(d.toNanos());
    });
    private final List<Map<String, Long>> flushed = new ArrayList<>();

    private ReviewBroadcaster broadcaster(URI graphqlUrl) {
        AppSyncClient appSync = AppSyncClient.builder(AppSyncClientConfig
                        .defaults(graphqlUrl, Region.US_EAST_1).withRetries(1, Duration.ofMillis(10), Duration.ofMillis(10)))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCALTEST", "x")))
                .build();
        return new ReviewBroadcaster(appSync, pacer, flushed::add,
                new ReviewShards(LOCAL.api().dynamo(), LocalApi.REVIEWS_TABLE, 1));
    }

    static ReviewChange change(String sequence, String reaction, long count, long version) {
        return new ReviewChange(sequence, new ReviewState(reaction, "550", count, "13", "Movie 13", 9, version));
    }

    static ReviewStreamEvent event(ReviewChange... changes) {
        return new ReviewStreamEvent(List.of(changes), 0, changes.length);
    }

    @Test
    void aBatchGoesOutAsOneBoardOfEveryReactionsStoredRowAndOneRowEachForOnReview() {
        LOCAL.api().seedReviews("550");
        try (RealtimeSubscriber boards = LOCAL.api().apiKeySubscriber();
             RealtimeSubscriber rows = LOCAL.api().apiKeySubscriber()) {
            boards.subscribe(Operations.ON_REVIEWS);
            rows.subscribe(Operations.ON_REVIEW);
            // The records only say that something changed: what goes out is what the table holds.
            BroadcastResult result = broadcaster(LOCAL.api().simulator().graphqlUrl()).broadcast(event(
                    change("10", "LOVE", 1, 1), change("11", "LOVE", 2, 2), change("12", "MEH", 1, 1),
                    change("13", "LOVE", 3, 3)), () -> PLENTY);
            assertEquals(BroadcastResult.success(), result);
            JsonNode board = boards.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onReviews");
            boards.assertNothingWithin(Duration.ofMillis(300));
            assertEquals(5, board.path("reviews").size());
            Map<String, JsonNode> byReaction = new HashMap<>();
            board.path("reviews").forEach(r -> byReaction.put(r.path("reaction").asText(), r));
            assertEquals(Set.copyOf(Reviews.REACTIONS), byReaction.keySet());
            assertEquals("550", byReaction.get("HATE").path("movieId").asText());
            assertEquals(0, byReaction.get("LOVE").path("count").asLong());
            assertTrue(byReaction.get("LOVE").has("version") && board.path("publishedAt").isTextual(), board.toString());
            for (int i = 0; i < 5; i++) {
                rows.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onReview");
            }
            rows.assertNothingWithin(Duration.ofMillis(300));
            assertEquals(Map.of(BroadcasterMetrics.CHANGES_COALESCED, 3L, BroadcasterMetrics.PACING_WAIT_MILLIS, 0L,
                    BroadcasterMetrics.BROADCASTS, 1L, BroadcasterMetrics.ROWS_BROADCAST, 5L,
                    BroadcasterMetrics.ROWS_FAILED, 0L), flushed.get(0));
        }
    }

    @Test
    void aBatchSoonerThanTheIntervalWaitsOutTheRemainder() {
        ReviewBroadcaster broadcaster = broadcaster(LOCAL.api().simulator().graphqlUrl());
        broadcaster.broadcast(event(change("1", "LIKE", 1, 1)), () -> PLENTY);
        clock.addAndGet(Duration.ofMillis(120).toNanos());
        broadcaster.broadcast(event(change("2", "LIKE", 2, 2)), () -> PLENTY);
        clock.addAndGet(Duration.ofMillis(900).toNanos());
        broadcaster.broadcast(event(change("3", "LIKE", 3, 3)), () -> PLENTY);
        assertEquals(List.of(Duration.ofMillis(380)), waits, "only the second batch was early");
    }

    @Test
    void aTurnPastTheDeadlineRetriesTheBatchFromItsFirstRecordWithoutSending() {
        ReviewBroadcaster broadcaster = broadcaster(LOCAL.api().simulator().graphqlUrl());
        broadcaster.broadcast(event(change("1", "LIKE", 1, 1)), () -> PLENTY);
        try (RealtimeSubscriber subscriber = LOCAL.api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_REVIEW);
            subscriber.subscribe(Operations.ON_REVIEWS);
            BroadcastResult result = broadcaster.broadcast(event(change("7", "LIKE", 2, 2), change("8", "HATE", 1, 1)),
                    () -> Duration.ofMillis(100));
            assertEquals(BroadcastResult.retryFrom("7"), result);
            assertTrue(waits.isEmpty(), "did not wait: " + waits);
            subscriber.assertNothingWithin(Duration.ofMillis(500));
        }
    }

    @Test
    void anUnreachableAppSyncRetriesTheBatchFromItsFirstRecord() {
        LOCAL.api().seedReviews("550");
        BroadcastResult result = broadcaster(URI.create("http://127.0.0.1:9/graphql")).broadcast(
                event(change("21", "MEH", 1, 1), change("22", "LOVE", 1, 1)), () -> Duration.ofSeconds(3));
        assertEquals(BroadcastResult.retryFrom("21"), result);
        assertEquals(5L, flushed.get(0).get(BroadcasterMetrics.ROWS_FAILED));
    }

    @Test
    void aBatchWithNothingToBroadcastSendsNothing() {
        ReviewBroadcaster broadcaster = broadcaster(URI.create("http://127.0.0.1:9/graphql"));
        assertEquals(BroadcastResult.success(), broadcaster.broadcast(new ReviewStreamEvent(List.of(), 2, 2), () -> PLENTY));
    }

    @Test
    void partialBatchResponseHasLambdasStreamShape() throws Exception {
        assertEquals("{\"batchItemFailures\":[{\"itemIdentifier\":\"42\"}]}",
                new ObjectMapper().writeValueAsString(BroadcastResult.retryFrom("42")));
        assertEquals("{\"batchItemFailures\":[]}", new ObjectMapper().writeValueAsString(BroadcastResult.success()));
    }
}
