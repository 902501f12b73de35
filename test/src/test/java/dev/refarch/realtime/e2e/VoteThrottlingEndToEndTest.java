package dev.refarch.realtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local run with DynamoDB's per-item write ceiling emulated and scaled down
 * ({@code --item-write-ceiling=1}) and four shards per reaction ({@code --vote-shards=4}): a burst of
 * votes on one reaction goes over the shards' ceilings, and the votes DynamoDB throttles reach the voting
 * client as a GraphQL error it can act on ({@code Throttled}), counted nowhere; the accepted ones are
 * counted exactly, and the review broadcaster (reading the shards through the IAM gateway) publishes
 * their sum.
 *
 * <p>Owns its run ({@link SharedLocalRun} says when): the write ceiling and the shards are options the
 * other classes' exact counts do not expect.
 */
class VoteThrottlingEndToEndTest {

    private static final int CEILING = 1;
    private static final int SHARDS = 4;
    private static final int VOTES = 80;
    private static LocalRunner run;

    @BeforeAll
    static void start() throws Exception {
        run = LocalRunner.start("vote-throttling", List.of("--item-write-ceiling=" + CEILING, "--vote-shards=" + SHARDS));
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    private static String currentMovie(GraphqlClient client) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode movie = client.execute(Operations.CURRENT_MOVIE).assertSucceeded().data("currentMovie");
            if (movie.hasNonNull("id")) {
                return movie.path("id").asText();
            }
            Thread.sleep(500);
        }
        return fail("no current movie within 60 s");
    }

    @Test
    void votesOverTheItemWriteCeilingReachTheClientAsThrottledAndAreNotCounted() throws Exception {
        GraphqlClient client = run.apiKeyClient();
        String movieId = currentMovie(client);
        RealtimeSubscriber viewer = run.subscriber();
        viewer.subscribe(Operations.ON_REVIEW);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<GraphqlClient.Response>> votes = new ArrayList<>();
        for (int i = 0; i < VOTES; i++) {
            votes.add(pool.submit(() -> run.apiKeyClient().execute(Operations.VOTE,
                    Map.of("movieId", movieId, "reaction", "UNKNOWN", "count", 1))));
        }
        int accepted = 0;
        int throttled = 0;
        String message = null;
        for (Future<GraphqlClient.Response> vote : votes) {
            GraphqlClient.Response response = vote.get(60, TimeUnit.SECONDS);
            if (response.succeeded()) {
                accepted++;
            } else if (response.errorTypes().equals(List.of("Throttled"))) {
                throttled++;
                message = response.errors().get(0).path("message").asText();
            } else {
                assertEquals(List.of("MovieNotCurrent"), response.errorTypes(), response.body().toString());
            }
        }
        pool.shutdown();
        assertTrue(throttled > 0, "a burst of " + VOTES + " votes on " + SHARDS + " items over a ceiling of " + CEILING + "/s: "
                + accepted + " accepted, none throttled");
        assertTrue(message.contains("too many votes for UNKNOWN") && message.contains("nothing was counted"), message);
        System.out.println("vote burst over the write ceiling: " + accepted + " accepted, " + throttled + " throttled");

        // Nothing throttled was counted: the showing's UNKNOWN total is the accepted votes (no other test
        // votes UNKNOWN here), unless a rotation moved the shards meanwhile.
        try (viewer) {
            for (JsonNode review : client.execute(Operations.REVIEWS).assertSucceeded().data("reviews")) {
                if (review.path("reaction").asText().equals("UNKNOWN") && review.path("movieId").asText().equals(movieId)) {
                    assertEquals(accepted, review.path("count").asInt(), review.toString());
                    // The broadcaster sums the shards as the query does.
                    JsonNode published = null;
                    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                    while (published == null && System.nanoTime() < deadline) {
                        JsonNode next = viewer.awaitNext(Duration.ofSeconds(15)).at("/payload/data/onReview");
                        if (next.path("reaction").asText().equals("UNKNOWN") && next.path("movieId").asText().equals(movieId)
                                && next.path("count").asInt() == accepted) {
                            published = next;
                        }
                    }
                    assertTrue(published != null, "onReview of UNKNOWN with the total " + accepted);
                }
            }
        }
    }
}
