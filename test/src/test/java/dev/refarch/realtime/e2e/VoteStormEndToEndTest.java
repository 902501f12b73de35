package dev.refarch.realtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.CdkJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A vote storm from several clients across a rotation, through the whole local run: votes answer
 * their callers only; the review broadcaster (on DynamoDB Local's stream, under the runtime
 * interface client) publishes the rows at most once per {@code reviewBroadcastMillis}; every vote
 * is counted exactly and each subscriber ends on the stored counts.
 *
 * <p>Owns its run ({@link SharedLocalRun} says when): its exact counts allow no other voter, and its
 * load would slow the other classes' deadlines.
 */
class VoteStormEndToEndTest {

    private static final Duration STORM = Duration.ofSeconds(16);
    private static final int CLIENTS = 8;
    private static final int SUBSCRIBERS = 4;
    private static LocalRunner run;
    private static long intervalMillis;

    @BeforeAll
    static void start() throws Exception {
        intervalMillis = AppConfig.from(CdkJson.context()::get).reviewBroadcastMillis();
        run = LocalRunner.start("vote-storm");
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    /** What one client saw: per (movie, reaction), the votes it had accepted and the highest count answered. */
    private record Tally(Map<String, LongAdder> accepted, Map<String, Long> highestAnswer) {
    }

    @Test
    void everyVoteIsCountedAndEachSubscriberGetsABoundedNumberOfBroadcastsEndingOnTheStoredCounts() throws Exception {
        List<RealtimeSubscriber> subscribers = new ArrayList<>();
        long observeStart = System.nanoTime();
        try {
            for (int i = 0; i < SUBSCRIBERS; i++) {
                RealtimeSubscriber subscriber = run.subscriber();
                subscriber.subscribe(Operations.ON_REVIEW);
                subscriber.subscribe(Operations.ON_CURRENT_MOVIE);
                subscribers.add(subscriber);
            }
            Map<String, LongAdder> accepted = new ConcurrentHashMap<>();
            Map<String, Long> highestAnswer = new ConcurrentHashMap<>();
            AtomicInteger rejected = new AtomicInteger();
            long stormStart = System.nanoTime();
            long stormEnd = stormStart + STORM.toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(pool.submit(() -> {
                    GraphqlClient client = run.apiKeyClient();
                    String movieId = currentMovie(client);
                    while (System.nanoTime() < stormEnd) {
                        String reaction = Reviews.REACTIONS.get(ThreadLocalRandom.current().nextInt(Reviews.REACTIONS.size()));
                        int count = 1 + ThreadLocalRandom.current().nextInt(3);
                        // A caller selecting only what it wants: it shapes nothing others receive.
                        GraphqlClient.Response response = client.execute(
                                "mutation V($m: ID!, $r: Reaction!, $c: Int!) { vote(movieId: $m, reaction: $r, count: $c) { count } }",
                                Map.of("m", movieId, "r", reaction, "c", count));
                        if (response.succeeded()) {
                            String key = movieId + "/" + reaction;
                            accepted.computeIfAbsent(key, k -> new LongAdder()).add(count);
                            highestAnswer.merge(key, response.data("vote").path("count").asLong(), Math::max);
                        } else {
                            response.assertErrorType("MovieNotCurrent");
                            rejected.incrementAndGet();
                            movieId = currentMovie(client);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get();
            }
            pool.shutdown();
            // Exact counting: per showing, the accepted deltas add up to the last count answered.
            long total = 0;
            for (Map.Entry<String, LongAdder> e : accepted.entrySet()) {
                assertEquals(e.getValue().sum(), (long) highestAnswer.get(e.getKey()), e.getKey());
                total += e.getValue().sum();
            }
            assertTrue(accepted.keySet().stream().map(k -> k.split("/")[0]).distinct().count() >= 2,
                    "the storm spanned a rotation: " + accepted.keySet());

            // Drain every subscriber until the stored rows stand still and nothing more arrives: the
            // rotation schedule keeps running, so a move may still be on its way when the votes stop.
            List<Map<String, List<JsonNode>>> received = new ArrayList<>();
            subscribers.forEach(s -> received.add(new HashMap<>()));
            int[] movies = new int[SUBSCRIBERS];
            GraphqlClient reader = run.apiKeyClient();
            JsonNode stored = null;
            for (int round = 0; round < 10; round++) {
                Thread.sleep(intervalMillis + 1500);
                boolean arrived = false;
                for (int i = 0; i < SUBSCRIBERS; i++) {
                    JsonNode event;
                    while ((event = poll(subscribers.get(i))) != null) {
                        arrived = true;
                        JsonNode data = event.path("payload").path("data");
                        if (data.has("onCurrentMovie")) {
                            movies[i]++;
                            continue;
                        }
                        JsonNode review = data.path("onReview");
                        assertTrue(!review.path("movieId").isNull() && review.has("topCount") && review.has("version"),
                                "every field, as the broadcaster selects them: " + event);
                        received.get(i).computeIfAbsent(review.path("reaction").asText(), r -> new ArrayList<>())
                                .add(review);
                    }
                }
                JsonNode now = reader.execute(Operations.REVIEWS).assertSucceeded().data("reviews");
                if (!arrived && now.equals(stored)) {
                    break;
                }
                stored = now;
            }
            long observed = System.nanoTime() - observeStart;
            Map<String, JsonNode> rows = new HashMap<>();
            stored.forEach(r -> rows.put(r.path("reaction").asText(), r));
            String current = rows.get("LOVE").path("movieId").asText();
            // The current showing's stored rows hold exactly its accepted votes.
            for (String reaction : Reviews.REACTIONS) {
                LongAdder sum = accepted.get(current + "/" + reaction);
                assertEquals(sum == null ? 0 : sum.sum(), rows.get(reaction).path("count").asLong(),
                        reaction + " of the current showing " + current);
            }

            long bound = (observed / 1_000_000 + intervalMillis - 1) / intervalMillis + 1;
            for (int i = 0; i < SUBSCRIBERS; i++) {
                assertTrue(movies[i] >= 1, "a rotation happened during the storm");
                for (String reaction : Reviews.REACTIONS) {
                    List<JsonNode> list = received.get(i).getOrDefault(reaction, List.of());
                    assertTrue(list.size() <= bound, reaction + ": " + list.size() + " broadcasts in "
                            + observed / 1_000_000 + " ms, bound " + bound);
                    assertTrue(!list.isEmpty(), reaction + " was never broadcast");
                    for (int k = 1; k < list.size(); k++) {
                        assertTrue(list.get(k).path("version").asLong() >= list.get(k - 1).path("version").asLong(),
                                reaction + " went backwards: " + list.get(k - 1) + " then " + list.get(k));
                    }
                    JsonNode last = list.get(list.size() - 1);
                    assertEquals(rows.get(reaction).path("count").asLong(), last.path("count").asLong(),
                            reaction + ": the last broadcast is the stored count");
                    assertEquals(current, last.path("movieId").asText(), reaction);
                }
            }
            System.out.printf("vote storm: %d clients, %d votes accepted (%d requests rejected as MovieNotCurrent) "
                    + "in %d ms; review broadcast bound per reaction %d%n", CLIENTS, total, rejected.get(),
                    observed / 1_000_000, bound);
        } finally {
            subscribers.forEach(RealtimeSubscriber::close);
        }
    }

    private static JsonNode poll(RealtimeSubscriber subscriber) {
        try {
            return subscriber.awaitNext(Duration.ofMillis(200));
        } catch (AssertionError e) {
            return null;
        }
    }

    private static String currentMovie(GraphqlClient client) {
        return client.execute(Operations.CURRENT_MOVIE).assertSucceeded().data("currentMovie").path("id").asText();
    }
}
