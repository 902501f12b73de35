package dev.refarch.realtime.storm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.Operations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Voters on a running system, as the page votes: each client reads the current movie, votes for it on a random
 * reaction, and reads it again when a vote is refused as {@code MovieNotCurrent}. Accepted votes are kept by
 * showing, {@code <movie id>@<rotation>/<reaction>} ({@link #showing}), since the catalog comes round again: a
 * vote accepted for a movie counts for the showing current when it was read (a vote outliving a whole round of
 * the catalog, 100 s at 10 s a rotation, would count for the movie's next showing; none does here). Each client votes in a closed
 * loop (its next vote when the last was answered), paced when a rate is given. What the storm keeps is what the
 * checks need: the accepted count per showing and reaction (the exactness check compares it with the final counts,
 * {@link ShowingFinals}), the refusals by error type, and each request's latency as the client saw it. Any other
 * answer than a count, {@code MovieNotCurrent} or {@code Throttled} fails the storm.
 *
 * <p>Used by {@code VoteStormEndToEndTest} and the scale benchmark ({@code ScaleBench}).
 */
public final class VoteStorm {

    /** What the storm did. */
    public record Result(Map<String, Long> accepted, long acceptedVotes, long acceptedRequests,
                         Map<String, Long> refused, long[] latencyNanos, double seconds) {

        /** Accepted votes per second over the storm. */
        public double acceptedPerSecond() {
            return acceptedVotes / seconds;
        }

        public long refused(String type) {
            return refused.getOrDefault(type, 0L);
        }

        /** The latency at quantile {@code q} (0 to 1) in milliseconds, nearest rank. */
        public double latencyMillis(double q) {
            if (latencyNanos.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(q * latencyNanos.length);
            return latencyNanos[Math.max(0, Math.min(latencyNanos.length - 1, rank - 1))] / 1e6;
        }

        /** The showings voted on, {@code <movie id>@<rotation>}. */
        public List<String> showings() {
            return accepted.keySet().stream().map(k -> k.split("/")[0]).distinct().toList();
        }
    }

    private final Supplier<GraphqlClient> client;
    private final int clients;
    private final double votesPerSecond;
    private final int maxCount;
    private final List<String> reactions;

    /**
     * @param client         a new API-key client for each voter
     * @param clients        concurrent voters
     * @param votesPerSecond the rate all voters aim at together; 0: each votes again as soon as answered
     * @param maxCount       each vote's count is drawn from 1 to this (the page batches clicks)
     * @param reactions      the reactions voted on, drawn uniformly
     */
    public VoteStorm(Supplier<GraphqlClient> client, int clients, double votesPerSecond, int maxCount,
                     List<String> reactions) {
        this.client = client;
        this.clients = clients;
        this.votesPerSecond = votesPerSecond;
        this.maxCount = maxCount;
        this.reactions = List.copyOf(reactions);
    }

    /** All five reactions. */
    public VoteStorm(Supplier<GraphqlClient> client, int clients, double votesPerSecond, int maxCount) {
        this(client, clients, votesPerSecond, maxCount, Reviews.REACTIONS);
    }

    /** Votes until {@code going} answers false (asked before each vote), then waits for every voter. */
    public Result run(BooleanSupplier going) throws InterruptedException {
        Map<String, LongAdder> accepted = new ConcurrentHashMap<>();
        Map<String, LongAdder> refused = new ConcurrentHashMap<>();
        LongAdder votes = new LongAdder();
        LongAdder requests = new LongAdder();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> voters = new ArrayList<>();
        long pause = votesPerSecond > 0 ? (long) (TimeUnit.SECONDS.toNanos(1) * clients / votesPerSecond) : 0;
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            voters.add(pool.submit(() -> {
                GraphqlClient graphql = client.get();
                String showing = showing(graphql);
                long[] latencies = new long[1024];
                int n = 0;
                long next = System.nanoTime();
                while (going.getAsBoolean()) {
                    String reaction = reactions.get(ThreadLocalRandom.current().nextInt(reactions.size()));
                    int count = 1 + ThreadLocalRandom.current().nextInt(maxCount);
                    long sent = System.nanoTime();
                    GraphqlClient.Response response = graphql.execute(Operations.VOTE,
                            Map.of("movieId", movieId(showing), "reaction", reaction, "count", count));
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = System.nanoTime() - sent;
                    if (response.succeeded()) {
                        accepted.computeIfAbsent(showing + "/" + reaction, k -> new LongAdder()).add(count);
                        votes.add(count);
                        requests.increment();
                    } else {
                        List<String> types = response.errorTypes();
                        if (!types.equals(List.of("MovieNotCurrent")) && !types.equals(List.of("Throttled"))) {
                            throw new AssertionError("a vote answered neither a count, MovieNotCurrent nor Throttled: "
                                    + response.body());
                        }
                        refused.computeIfAbsent(types.get(0), k -> new LongAdder()).increment();
                        if (types.get(0).equals("MovieNotCurrent")) {
                            showing = showing(graphql);
                        }
                    }
                    if (pause > 0) {
                        next += pause;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        try {
            for (Future<long[]> voter : voters) {
                all.add(voter.get());
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] latencies = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        Map<String, Long> acceptedCounts = new TreeMap<>();
        accepted.forEach((k, v) -> acceptedCounts.put(k, v.sum()));
        Map<String, Long> refusedCounts = new TreeMap<>();
        refused.forEach((k, v) -> refusedCounts.put(k, v.sum()));
        return new Result(acceptedCounts, votes.sum(), requests.sum(), refusedCounts, latencies, seconds);
    }

    /** The current showing, {@code <movie id>@<rotation>}. */
    public static String showing(GraphqlClient graphql) {
        JsonNode movie = graphql.execute(Operations.CURRENT_MOVIE).assertSucceeded().data("currentMovie");
        return movie.path("id").asText() + "@" + movie.path("rotation").asLong();
    }

    /** The movie id of a showing. */
    public static String movieId(String showing) {
        return showing.substring(0, showing.indexOf('@'));
    }
}
