package dev.refarch.realtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.CdkJson;
import dev.refarch.realtime.storm.ShowingFinals;
import dev.refarch.realtime.storm.VoteStorm;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A vote storm from several clients across a rotation, through the whole local run with four shards per
 * reaction ({@code --vote-shards=4}) and the Reviews stream as four shards ({@code --stream-shards=4}: the
 * stream's records split by partition key, each shard delivered at once with the others to a review broadcaster
 * environment of its own, as Lambda runs one batch per shard at a time). Votes answer their callers only; every
 * vote is counted exactly for its showing (the accepted votes against each showing's final count, the sum of its
 * shards, and the leaderboard); each {@code onReviews} subscriber gets at most
 * ceil(elapsed / {@code reviewBroadcastMillis}) + 1 boards (and each {@code onReview} subscriber as many per
 * reaction), rows whose count never falls as their version rises (boards from different environments may arrive
 * out of order; a client keeps the newest version), and the newest rows of the showing the storm ended on hold its
 * final counts, the last vote included.
 *
 * <p>Why the bound can fail here: the 20 shard items spread over the four stream shards (6, 4, 5 and 5 by the
 * mapping's hash), and the storm keeps each one busy, so each broadcaster environment is handed a batch again as
 * soon as it returns. Paced per environment (each environment's own {@code BroadcastPacer}, the design before
 * the broadcast slot) the four would each broadcast once per interval, up to four boards per interval. Run
 * once with the function's {@code BroadcastSlot} replaced by {@code BroadcastPacer.system(interval)} in
 * {@code ReviewBroadcasterHandler} (a local change, not kept; 2026-12-07, 2 loaded cores): each subscriber got
 * 83 boards in 20.9 s against a bound of 43, and this test failed; with the slot, 28 against 45 in the same
 * conditions (the four environments invoked 73 times, 28 of them broadcasting). {@code BroadcastSlotTest} proves
 * the same at the broadcaster level, with a pacer per environment as the failing baseline.
 *
 * <p>The storm starts at once, runs at least {@link #STORM_MIN} (so a 10 s rotation falls in it) and stops 1 to 3
 * s after a rotation, so the next rotation normally comes after the showing's last board, which must then hold the
 * showing's final counts (on a loaded machine a late rotation can be followed by the next slot's within seconds:
 * then the showing's final counts are the rotation's, checked for exactness, and no board is owed). Then one vote
 * alone, and every subscriber's last board must hold it: the last vote is always in the last board.
 *
 * <p>Owns its run ({@link SharedLocalRun} says when): its exact counts allow no other voter, and its
 * load would slow the other classes' deadlines.
 */
class VoteStormEndToEndTest {

    private static final Duration STORM_MIN = Duration.ofSeconds(12);
    private static final int CLIENTS = 8;
    private static final int SUBSCRIBERS = 4;
    private static final int VOTE_SHARDS = 4;
    private static final int STREAM_SHARDS = 4;
    private static LocalRunner run;
    private static long intervalMillis;

    @BeforeAll
    static void start() throws Exception {
        intervalMillis = AppConfig.from(CdkJson.context()::get).reviewBroadcastMillis();
        run = LocalRunner.start("vote-storm", List.of("--vote-shards=" + VOTE_SHARDS, "--stream-shards=" + STREAM_SHARDS));
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void everyVoteIsCountedAndEachSubscriberGetsABoundedNumberOfBoardsWhateverTheStreamShards() throws Exception {
        assertTrue(run.output().contains("review-broadcaster-" + STREAM_SHARDS), "a broadcaster environment per stream shard:\n"
                + run.output());
        List<Collector> collectors = new ArrayList<>();
        long observeStart = System.nanoTime();
        awaitCurrentMovie(run.apiKeyClient());
        ShowingFinals showings = new ShowingFinals(run.apiKeyClient(), URI.create(run.text("realtimeUrl")),
                URI.create(run.text("dynamodbEndpoint")), run.text("table.reviews"));
        Map<String, Long> finals = null;
        VoteStorm.Result storm;
        try {
            for (int i = 0; i < SUBSCRIBERS; i++) {
                RealtimeSubscriber subscriber = run.subscriber();
                subscriber.subscribe(Operations.ON_REVIEWS);
                subscriber.subscribe(Operations.ON_REVIEW);
                collectors.add(new Collector(subscriber));
            }
            long stormStart = System.nanoTime();
            storm = new VoteStorm(run::apiKeyClient, CLIENTS, 0, 3).run(() -> {
                long now = System.nanoTime();
                long sinceRotation = now - showings.lastRotationNanos();
                boolean rotated = showings.lastRotationNanos() > stormStart;
                if (now - stormStart > Duration.ofSeconds(40).toNanos()) {
                    return false;
                }
                return now - stormStart < STORM_MIN.toNanos() || !rotated
                        || sinceRotation < Duration.ofSeconds(1).toNanos() || sinceRotation > Duration.ofSeconds(3).toNanos();
            });
            assertTrue(storm.showings().size() >= 2, "the storm spanned a rotation: " + storm.accepted().keySet());
            int rotationsAtStormEnd = showings.rotationsSeen();
            String endedOn = VoteStorm.showing(run.apiKeyClient());
            GraphqlClient reader = run.apiKeyClient();
            Map<String, Long> accepted = new HashMap<>(storm.accepted());

            // Every subscriber's last board holds the stored totals, and nothing more arrives.
            awaitLastBoards(collectors, reader);
            boolean rotatedAfter = showings.rotationsSeen() > rotationsAtStormEnd;

            // The last vote, alone, after the storm: every subscriber's last board holds it.
            String lastVote = castLastVote(collectors, reader, accepted);
            finals = showings.close();
            collectors.forEach(Collector::stop);

            // Exact: each showing's final count (the sum of its shards) is its accepted votes; the leaderboard too.
            assertEquals(List.of(), showings.mismatches(accepted), "accepted votes against final counts "
                    + finals + "; accepted " + accepted);

            List<Long> bounds = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                Collector collector = collectors.get(i);
                List<JsonNode> got = collector.events("onReviews");
                // From subscribing to the last board's arrival: the storm and its last broadcasts, not the quiet drain.
                long elapsed = (collector.lastArrival("onReviews") - observeStart) / 1_000_000;
                long bound = (elapsed + intervalMillis - 1) / intervalMillis + 1;
                bounds.add(bound);
                assertTrue(got.size() <= bound, "subscriber " + i + ": " + got.size() + " boards in "
                        + elapsed + " ms, bound ceil(" + elapsed + " / " + intervalMillis + ") + 1 = " + bound);
                // Boards sent by different broadcaster environments are separate publishes, and AppSync orders
                // nothing across requests: an older board can arrive after a newer one (seen on a loaded
                // machine). A client keeps each reaction's newest row by version, as the page does; what must
                // hold is that a higher version of a showing's row never carries a lower count, and that the
                // newest rows of the showing the storm ended on hold its final counts.
                Map<String, java.util.TreeMap<Long, Long>> countsByVersion = new HashMap<>();
                Map<String, JsonNode> newestOfShowing = new HashMap<>();
                for (JsonNode board : got) {
                    assertTrue(board.hasNonNull("publishedAt"), board.toString());
                    assertEquals(Reviews.REACTIONS.size(), board.path("reviews").size(), board.toString());
                    for (JsonNode review : board.path("reviews")) {
                        String row = review.path("movieId").asText() + "/" + review.path("reaction").asText();
                        countsByVersion.computeIfAbsent(row, k -> new java.util.TreeMap<>())
                                .merge(review.path("version").asLong(), review.path("count").asLong(), Math::max);
                        if (review.path("movieId").asText().equals(VoteStorm.movieId(endedOn))) {
                            newestOfShowing.merge(review.path("reaction").asText(), review, (a, b) ->
                                    b.path("version").asLong() > a.path("version").asLong() ? b : a);
                        }
                    }
                }
                countsByVersion.forEach((row, counts) -> {
                    long previous = Long.MIN_VALUE;
                    for (long count : counts.values()) {
                        assertTrue(count >= previous, row + ": a higher version with a lower count: " + counts);
                        previous = count;
                    }
                });
                assertTrue(!newestOfShowing.isEmpty(), "no board of " + endedOn + ", the showing the storm ended on");
                // The storm's last votes are in the newest rows of their showing: they hold the showing's final
                // counts (unless a rotation ended the showing before that board could be sent: then its final
                // counts are the rotation's, checked above, and no board is owed).
                if (!rotatedAfter) {
                    for (Map.Entry<String, JsonNode> newest : newestOfShowing.entrySet()) {
                        String key = endedOn + "/" + newest.getKey();
                        assertEquals(finals.get(key), newest.getValue().path("count").asLong(),
                                key + " newest: " + newest.getValue());
                    }
                }
                Map<String, Integer> rows = new HashMap<>();
                collector.events("onReview").forEach(r -> rows.merge(r.path("reaction").asText(), 1, Integer::sum));
                long rowBound = ((collector.lastArrival("onReview") - observeStart) / 1_000_000 + intervalMillis - 1)
                        / intervalMillis + 1;
                rows.forEach((reaction, n) -> assertTrue(n <= rowBound, reaction + ": " + n + " onReview rows, bound "
                        + rowBound));
            }
            System.out.printf("vote storm: %d clients, %d votes accepted in %.1f s (%d requests refused as "
                            + "MovieNotCurrent), %d showings, %d rotations seen%s; onReviews boards per subscriber %s,"
                            + " bounds %s; the last vote (%s) in every subscriber's last board%n", CLIENTS,
                    storm.acceptedVotes(), storm.seconds(), storm.refused("MovieNotCurrent"), storm.showings().size(),
                    showings.rotationsSeen(), rotatedAfter ? " (one after the storm, before its last board)" : "",
                    collectors.stream().map(c -> c.events("onReviews").size()).toList(), bounds, lastVote);
        } finally {
            collectors.forEach(Collector::stop);
            if (finals == null) {
                try {
                    showings.close();
                } catch (RuntimeException e) {
                    System.out.println("closing the showings' watcher: " + e);
                }
            }
        }
    }

    /** Whether the board holds these reviews (the {@code reviews} query's answer): each reaction's movie and count. */
    private static boolean holds(JsonNode board, JsonNode reviews) {
        if (board == null) {
            return false;
        }
        Map<String, String> expected = new HashMap<>();
        reviews.forEach(r -> expected.put(r.path("reaction").asText(), r.path("movieId").asText() + "/" + r.path("count").asLong()));
        Map<String, String> got = new HashMap<>();
        board.path("reviews").forEach(r -> got.put(r.path("reaction").asText(), r.path("movieId").asText() + "/" + r.path("count").asLong()));
        return expected.equals(got);
    }

    /**
     * Waits (at most 60 s: a loaded machine's broadcasters can lag the votes by seconds) until every subscriber's
     * last board holds the stored totals and neither changes for a round; answers whether they did.
     */
    private static boolean awaitLastBoards(List<Collector> collectors, GraphqlClient reader) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode stored = null;
        int seen = -1;
        while (System.nanoTime() < deadline) {
            Thread.sleep(intervalMillis + 500);
            int arrived = collectors.stream().mapToInt(Collector::size).sum();
            JsonNode now = reader.execute(Operations.REVIEWS).assertSucceeded().data("reviews");
            boolean all = collectors.stream().allMatch(c -> holds(c.last("onReviews"), now));
            if (all && arrived == seen && now.equals(stored)) {
                return true;
            }
            seen = arrived;
            stored = now;
        }
        return false;
    }

    /**
     * One vote, alone, for the current showing, then until every subscriber's last board holds it (the stored
     * totals with it); again on the next showing if a rotation came between (at most three times). Answers the
     * vote, and adds it to {@code accepted}.
     */
    private static String castLastVote(List<Collector> collectors, GraphqlClient reader, Map<String, Long> accepted)
            throws InterruptedException {
        for (int attempt = 0; attempt < 3; attempt++) {
            String showing = VoteStorm.showing(reader);
            GraphqlClient.Response vote = reader.execute(Operations.VOTE,
                    Map.of("movieId", VoteStorm.movieId(showing), "reaction", "HATE", "count", 1));
            if (!vote.succeeded()) {
                vote.assertErrorType("MovieNotCurrent");
                continue;
            }
            accepted.merge(showing + "/HATE", 1L, Long::sum);
            if (awaitLastBoards(collectors, reader) && VoteStorm.showing(reader).equals(showing)) {
                return showing + "/HATE, count " + vote.data("vote").path("count").asLong() + " on its shard";
            }
        }
        return fail("the last vote did not reach every subscriber's last board within three tries");
    }

    /** One subscriber's events, each with its arrival time, read as they arrive by a thread of its own. */
    private static final class Collector {
        private record Arrival(long nanos, String field, JsonNode value) {
        }

        private final RealtimeSubscriber subscriber;
        private final List<Arrival> arrivals = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;
        private volatile boolean running = true;

        Collector(RealtimeSubscriber subscriber) {
            this.subscriber = subscriber;
            thread = new Thread(() -> {
                while (running) {
                    try {
                        JsonNode data = subscriber.awaitNext(Duration.ofMillis(200)).path("payload").path("data");
                        String field = data.fieldNames().hasNext() ? data.fieldNames().next() : "none";
                        arrivals.add(new Arrival(System.nanoTime(), field, data.path(field)));
                    } catch (AssertionError nothingYet) {
                        // keep reading
                    }
                }
            }, "collector");
            thread.setDaemon(true);
            thread.start();
        }

        int size() {
            return arrivals.size();
        }

        List<JsonNode> events(String field) {
            synchronized (arrivals) {
                return arrivals.stream().filter(a -> a.field().equals(field)).map(Arrival::value).toList();
            }
        }

        /** The last event of the field, or null. */
        JsonNode last(String field) {
            List<JsonNode> events = events(field);
            return events.isEmpty() ? null : events.get(events.size() - 1);
        }

        long lastArrival(String field) {
            synchronized (arrivals) {
                return arrivals.stream().filter(a -> a.field().equals(field)).mapToLong(Arrival::nanos).max().orElse(0);
            }
        }

        void stop() {
            running = false;
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            subscriber.close();
        }
    }

    private static String currentMovie(GraphqlClient client) {
        return client.execute(Operations.CURRENT_MOVIE).assertSucceeded().data("currentMovie").path("id").asText();
    }

    private static void awaitCurrentMovie(GraphqlClient client) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (currentMovie(client).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
    }
}
