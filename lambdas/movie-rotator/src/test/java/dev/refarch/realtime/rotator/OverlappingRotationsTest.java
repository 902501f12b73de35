package dev.refarch.realtime.rotator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncException;
import dev.refarch.realtime.graphql.TableContract.Movies;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import dev.refarch.realtime.lambda.testing.LogCapture;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Two rotators on the same tables (DynamoDB Local, the AppSync simulator with the real
 * resolvers), as overlapping Express executions run them: the rotation number fences every
 * write, so a stalled invocation changes nothing and a second finisher reports success.
 */
class OverlappingRotationsTest extends AgainstLocalRotator {

    private ExecutorService pool;

    @BeforeEach
    void firstRotation() {
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "11", "12", "13", "14", "15", "16"));
        assertEquals("11", local.invoke().get("movieId"));
    }

    @org.junit.jupiter.api.AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private Future<RotationResult> rotateHeldAt(HeldAppSync held) throws InterruptedException {
        MovieRotator stalled = local.rotatorWithAppSyncAt(held.graphqlUrl());
        pool = Executors.newSingleThreadExecutor();
        Future<RotationResult> result = pool.submit(() -> stalled.rotate(AppSyncClient.NO_DEADLINE));
        held.awaitHeld();
        return result;
    }

    private static void vote(String movieId, String reaction, int count) {
        local.api.apiKeyClient().execute(Operations.VOTE,
                Map.of("movieId", movieId, "reaction", reaction, "count", count)).assertSucceeded();
    }

    private static Map<String, AttributeValue> current() {
        return local.api.currentMovieItem();
    }

    @Test
    void lateBroadcastOfAStalledRotationChangesNothingAfterTwoNewerRotations() throws Exception {
        vote("11", "LOVE", 2);
        try (HeldAppSync held = new HeldAppSync(local.api.simulator().graphqlUrl());
                RealtimeSubscriber subscriber = local.api.apiKeySubscriber()) {
            // Rotation 2 (to 12) moved its rows, then stalls before setCurrentMovie.
            Future<RotationResult> late = rotateHeldAt(held);
            subscriber.subscribe(Operations.ON_CURRENT_MOVIE);

            // The next executions resume rotation 2, then complete rotations 3 and 4.
            assertEquals("12", local.invoke().get("movieId"));
            assertEquals("13", local.invoke().get("movieId"));
            assertEquals("14", local.invoke().get("movieId"));
            vote("14", "LOVE", 3);
            vote("14", "HATE", 1);
            List<String> broadcast = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                broadcast.add(subscriber.awaitNext(Duration.ofSeconds(10)).at("/payload/data/onCurrentMovie/id").asText());
            }

            held.release();
            RotationResult result = late.get(30, TimeUnit.SECONDS);

            assertEquals(RotationResult.skipped("stale-rotation"), result);
            assertEquals(List.of("12", "13", "14"), broadcast);
            subscriber.assertNothingWithin(Duration.ofMillis(500));
        }
        assertEquals("14", current().get("id").s());
        assertEquals("4", current().get(Movies.ROTATION).n());
        Map<String, AttributeValue> love = local.api.reviewRow("LOVE");
        assertEquals("14", love.get(Reviews.MOVIE_ID).s());
        assertEquals(3, local.api.storedCount("LOVE"), "the newer movie's votes are intact");
        assertEquals(1, local.api.storedCount("HATE"));
        assertEquals("11", love.get(Reviews.TOP_MOVIE_ID).s(), "the leaderboard kept the first showing's record");
        assertTrue(local.snapshot().get(Movies.PENDING).isEmpty());
        assertEquals(1, local.metrics.occurrences(RotatorMetrics.STALE_ROTATIONS));
        // Votes still count for the current movie only.
        vote("14", "LOVE", 1);
        local.api.apiKeyClient().execute(Operations.VOTE, Map.of("movieId", "12", "reaction", "LOVE", "count", 1))
                .assertErrorType("MovieNotCurrent");
        assertEquals(4, local.api.storedCount("LOVE"));
    }

    @Test
    void secondFinisherOfTheSameRotationReportsSuccess() throws Exception {
        try (HeldAppSync held = new HeldAppSync(local.api.simulator().graphqlUrl())) {
            Future<RotationResult> late = rotateHeldAt(held);
            assertEquals("12", local.invoke().get("movieId"), "another execution finishes rotation 2");
            vote("12", "LIKE", 2);

            held.release();
            RotationResult result = late.get(30, TimeUnit.SECONDS);

            assertTrue(result.rotated(), result.toString());
            assertEquals("12", result.movie().id());
        }
        assertEquals("12", current().get("id").s());
        assertEquals("2", current().get(Movies.ROTATION).n());
        assertEquals(2, local.api.storedCount("LIKE"), "the re-broadcast of the same rotation moved nothing");
        assertTrue(local.snapshot().get(Movies.PENDING).isEmpty());
        assertEquals(2, local.metrics.occurrences(RotatorMetrics.ROTATIONS), "rotations 1 and 2, each counted once");
        assertEquals("13", local.invoke().get("movieId"), "the next rotation is not blocked");
    }

    @Test
    void rotationThatFailsThreeTimesIsAbandonedAndTheNextTickStartsAFreshOne() {
        vote("11", "LOVE", 2);
        // AppSync answers 404 (WireMock has no such stub): every broadcast fails.
        MovieRotator broken = local.rotatorWithAppSyncAt(URI.create(local.stubs.baseUrl() + "/graphql"));
        for (int attempt = 1; attempt <= MovieRotator.MAX_ATTEMPTS; attempt++) {
            assertThrows(AppSyncException.class, () -> broken.rotate(AppSyncClient.NO_DEADLINE));
        }
        assertEquals("11", current().get("id").s());
        assertEquals("12", local.api.reviewRow("LOVE").get(Reviews.MOVIE_ID).s(), "rotation 2 moved the rows");

        try (LogCapture logs = LogCapture.attachAtDebug("software.amazon.awssdk")) {
            Map<String, Object> result = local.invoke();

            assertEquals("13", result.get("movieId"), "a fresh rotation, not the abandoned movie");
            List<LogCapture.Line> errors = logs.at(Level.ERROR);
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.get(0).text().contains("Abandoned rotation 2 to movie 12"), errors.get(0).text());
        }
        assertEquals(1, local.metrics.occurrences(RotatorMetrics.ABANDONED_ROTATIONS));
        assertEquals("13", current().get("id").s());
        assertEquals("3", current().get(Movies.ROTATION).n());
        Map<String, AttributeValue> love = local.api.reviewRow("LOVE");
        assertEquals("13", love.get(Reviews.MOVIE_ID).s());
        assertEquals("3", love.get(Reviews.ROTATION).n());
        assertEquals("11", love.get(Reviews.TOP_MOVIE_ID).s(), "the showing of 11 kept its leaderboard entry");
        assertEquals(2, Long.parseLong(love.get(Reviews.TOP_COUNT).n()));
        assertTrue(local.snapshot().get(Movies.PENDING).isEmpty());
        vote("13", "MEH", 1);
    }

    @Test
    void resumedRotationBelowTheAttemptLimitIsNotAbandoned() {
        MovieRotator broken = local.rotatorWithAppSyncAt(URI.create(local.stubs.baseUrl() + "/graphql"));
        for (int attempt = 1; attempt < MovieRotator.MAX_ATTEMPTS; attempt++) {
            assertThrows(AppSyncException.class, () -> broken.rotate(AppSyncClient.NO_DEADLINE));
        }
        assertEquals("12", local.invoke().get("movieId"), "the last allowed attempt completes the same rotation");
        assertEquals(0, local.metrics.occurrences(RotatorMetrics.ABANDONED_ROTATIONS));
        assertFalse(local.snapshot().get(Movies.CURRENT).isEmpty());
    }

    @Test
    void pendingRotationLeftByAVersionWithoutRotationNumbersIsFinishedAndNumberingStarts() {
        // As the previous version left it: no rotation number on PENDING, CURRENT or the rows.
        local.reset();
        local.stubs.secretIs(TmdbStub.secretWithKey(LocalRotator.SECRET_KEY));
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "11", "12"));
        local.api.dynamo().putItem(p -> p.tableName(dev.refarch.realtime.graphql.testing.LocalApi.MOVIES_TABLE)
                .item(Map.of(Movies.PK, AttributeValue.fromS(Movies.PENDING),
                        "to", AttributeValue.fromM(Map.of("id", AttributeValue.fromS("21"),
                                "title", AttributeValue.fromS("Movie 21"))))));

        assertEquals("21", local.invoke().get("movieId"));

        assertTrue(local.snapshot().get(Movies.PENDING).isEmpty());
        assertEquals("0", current().get(Movies.ROTATION).n());
        assertEquals("11", local.invoke().get("movieId"));
        assertEquals("1", current().get(Movies.ROTATION).n());
        assertEquals("1", local.api.reviewRow("LOVE").get(Reviews.ROTATION).n());
    }
}
