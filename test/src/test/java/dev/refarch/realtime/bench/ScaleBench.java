package dev.refarch.realtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.CdkJson;
import dev.refarch.realtime.storm.ShowingFinals;
import dev.refarch.realtime.storm.VoteStorm;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scale model on the local run (issue 20, item 5): DynamoDB's per-item write ceiling emulated and scaled down
 * ({@code --item-write-ceiling=C}, C writes per item per second where DynamoDB allows 1,000), the Reviews stream as
 * several shards ({@code --stream-shards=S}), and the same vote storm against one shard per reaction and against
 * N ({@code --vote-shards=1} and {@code N}): two local runs, both up for the whole benchmark, so the one measured
 * has the other beside it, idle, either way.
 *
 * <p>Every vote goes to one reaction (the hot reaction of a popular moment, the worst case the sizing in
 * {@code docs/scale.md} uses), so one shard saturates at C votes/s and N shards at N x C. First the vote's latency
 * below the ceiling, in both runs at the same time (a few clients paced to half of one item's ceiling, so no write
 * is throttled: the resolver's own latency with 1 or N shards under the same load; the difference is what sharding
 * adds). Then the storm, in one run and then the other: clients voting in a closed loop (the next vote when the
 * last is answered), as fast as the machine answers: accepted votes/s, refusals ({@code Throttled},
 * {@code MovieNotCurrent}), latency as the client sees it (throttled retries included), {@code onReviews} boards per
 * subscriber per second against the bound, CPU of the run. Exactness: every accepted vote against each showing's
 * final count (the sum of its shards) and the leaderboard ({@link ShowingFinals}); the benchmark fails (exit 1) on
 * any difference. Then the model: what the measured ratio predicts at 200,000 votes/s and 1,000,000 viewers, priced
 * as {@code docs/scale.md} prices it.
 *
 * <p>Arguments: {@code <repo root> [clients] [storm seconds] [subscribers] [ceiling C] [shards N] [stream shards S]}
 * (defaults 16, 40, 100, 5, 4, 2). With S stream shards the broadcast slot takes up to S conditional writes per
 * interval on its one item, under the same scaled ceiling: keep 2 x S below C.
 */
public final class ScaleBench {

    private static final String HOT = "LOVE";
    /** The latency phase: its length, voters, and rate as a share of one item's ceiling. */
    private static final Duration LATENCY_PHASE = Duration.ofSeconds(20);
    private static final int LATENCY_CLIENTS = 4;
    private static final double LATENCY_SHARE_OF_CEILING = 0.5;
    /** docs/scale.md: 200,000 votes/s (1e6 viewers, one vote each 5 s), DynamoDB's 1,000 writes/s per item (Q1). */
    private static final double TARGET_VOTES_PER_SECOND = 200_000;
    private static final double AWS_WRITES_PER_ITEM = 1_000;
    private static final double VIEWERS = 1_000_000;
    /** docs/scale.md: 30 days; P1 $2.00 per million real-time messages; P2 $4.00 per million mutations, $0.625 per million WRU. */
    private static final double SECONDS_PER_MONTH = 2_592_000;
    private static final double MESSAGE_PRICE = 2.00 / 1e6;
    private static final double MUTATION_PRICE = 4.00 / 1e6;
    private static final double WRITE_PRICE = 0.625 / 1e6;

    private ScaleBench() {
    }

    /** What one run measured. */
    private record Run(int shards, double latencyP50, double latencyP99, int latencySamples, VoteStorm.Result storm,
                       double boardsPerSubscriberPerSecond, double boundPerSecond, int minBoards, int maxBoards,
                       double cpuCores, int rotations, List<String> mismatches) {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        int clients = arg(args, 1, 16);
        int seconds = arg(args, 2, 40);
        int subscribers = arg(args, 3, 100);
        int ceiling = arg(args, 4, 5);
        int shards = arg(args, 5, 4);
        int streamShards = arg(args, 6, 2);
        long interval = AppConfig.from(CdkJson.context(root.resolve("cdk.json"))::get).reviewBroadcastMillis();
        System.out.printf("scale model: per-item ceiling %d writes/s (--item-write-ceiling=%d; DynamoDB: %.0f), %d stream"
                        + " shards, every vote on %s; two local runs up at once, --vote-shards=1 and --vote-shards=%d;"
                        + " %d onReviews subscribers each; latency below the ceiling in both at once, then the storm"
                        + " (%d clients voting as fast as answered for %d s) in one, then in the other%n", ceiling, ceiling,
                AWS_WRITES_PER_ITEM, streamShards, HOT, shards, subscribers, clients, seconds);
        List<Subject> systems = new ArrayList<>();
        java.util.concurrent.ExecutorService starting = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<BenchLocalRun>> runs = new ArrayList<>();
            for (int k : new int[] {1, shards}) {
                runs.add(starting.submit(() -> BenchLocalRun.start(root, "bench-scale-" + k, "--vote-shards=" + k,
                        "--stream-shards=" + streamShards, "--item-write-ceiling=" + ceiling)));
            }
            int[] k = {1, shards};
            for (int i = 0; i < 2; i++) {
                systems.add(new Subject(k[i], runs.get(i).get(), subscribers));
            }
            starting.shutdown();
            measure(systems, clients, seconds, ceiling, interval);
        } finally {
            for (Subject system : systems) {
                system.close();
            }
            starting.shutdownNow();
        }
        report(systems.get(0).result, systems.get(1).result, ceiling, shards, interval);
    }

    /** One local run under test (a subject of the comparison): its clients, subscribers, showings' final counts, and what it measured. */
    private static final class Subject implements AutoCloseable {
        final int shards;
        final BenchLocalRun run;
        final GraphqlClient apiKey;
        final ShowingFinals showings;
        final List<RealtimeSubscriber> subscribers = new ArrayList<>();
        final Map<String, Long> accepted = new HashMap<>();
        VoteStorm.Result latency;
        Run result;

        Subject(int shards, BenchLocalRun run, int subscriberCount) throws InterruptedException {
            this.shards = shards;
            this.run = run;
            URI realtime = run.uri("realtimeUrl");
            apiKey = GraphqlClient.withApiKey(run.uri("graphqlUrl"), run.text("apiKey"));
            while (apiKey.execute(Operations.CURRENT_MOVIE).data("currentMovie").path("id").asText().isEmpty()) {
                Thread.sleep(500);
            }
            System.out.printf("--vote-shards=%d: ready in %.1f s%n", shards, run.readyMillis() / 1000.0);
            showings = new ShowingFinals(apiKey, realtime, run.uri("dynamodbEndpoint"), run.text("table.reviews"));
            for (int i = 0; i < subscriberCount; i++) {
                RealtimeSubscriber subscriber = RealtimeSubscriber.connect(realtime, apiKey.authHeaders());
                subscriber.subscribe(Operations.ON_REVIEWS);
                subscribers.add(subscriber);
            }
        }

        /** Empties every subscriber's queue and answers how many boards each held, lowest first. */
        List<Integer> drain() {
            List<Integer> boards = new ArrayList<>();
            for (RealtimeSubscriber subscriber : subscribers) {
                int n = 0;
                while (next(subscriber) != null) {
                    n++;
                }
                boards.add(n);
            }
            boards.sort(null);
            return boards;
        }

        void add(VoteStorm.Result storm) {
            storm.accepted().forEach((key, v) -> accepted.merge(key, v, Long::sum));
        }

        @Override
        public void close() throws Exception {
            subscribers.forEach(RealtimeSubscriber::close);
            run.close();
        }
    }

    private static void measure(List<Subject> systems, int clients, int seconds, int ceiling, long interval)
            throws Exception {
        // The vote's own latency, below the ceiling (no write throttled), in both systems at once: the same load.
        // Votes spread over the five reactions, each reaction's item at a share of its ceiling with one shard.
        double rate = ceiling * LATENCY_SHARE_OF_CEILING * Reviews.REACTIONS.size();
        java.util.concurrent.ExecutorService both = java.util.concurrent.Executors.newFixedThreadPool(systems.size());
        List<java.util.concurrent.Future<VoteStorm.Result>> latencies = new ArrayList<>();
        for (Subject system : systems) {
            latencies.add(both.submit(() -> storm(system.apiKey, LATENCY_CLIENTS, rate, LATENCY_PHASE, Reviews.REACTIONS)));
        }
        for (int i = 0; i < systems.size(); i++) {
            Subject system = systems.get(i);
            system.latency = latencies.get(i).get();
            system.add(system.latency);
            System.out.printf("--vote-shards=%d, below the ceiling (%d clients at %.1f votes/s, both systems at"
                            + " once): %d votes, refused %s, latency p50 %.0f ms, p99 %.0f ms%n", system.shards,
                    LATENCY_CLIENTS, rate, system.latency.acceptedVotes(), system.latency.refused(),
                    system.latency.latencyMillis(0.5), system.latency.latencyMillis(0.99));
        }
        both.shutdown();
        // The storm, one system at a time (the other one idle, up): boards counted from its start to a tail after it.
        for (Subject system : systems) {
            system.drain();
            long start = System.nanoTime();
            long cpuBefore = system.run.cpuMillis();
            VoteStorm.Result storm = storm(system.apiKey, clients, 0, Duration.ofSeconds(seconds), List.of(HOT));
            long cpu = system.run.cpuMillis() - cpuBefore;
            system.add(storm);
            Thread.sleep(interval + 1000);
            double window = (System.nanoTime() - start) / 1e9;
            List<Integer> boards = system.drain();
            int median = boards.get(boards.size() / 2);
            double bound = (Math.ceil(window * 1000 / interval) + 1) / window;
            System.out.printf("--vote-shards=%d, storm: %d votes accepted in %.1f s = %.1f/s; refused %s;"
                            + " latency p50 %.0f ms, p99 %.0f ms; CPU of the run %.1f s; onReviews boards per subscriber in"
                            + " %.1f s: median %d (%.2f/s), min %d, max %d; bound ceil(%.1f s / %d ms) + 1 = %.0f%n",
                    system.shards, storm.acceptedVotes(), storm.seconds(), storm.acceptedPerSecond(), storm.refused(),
                    storm.latencyMillis(0.5), storm.latencyMillis(0.99), cpu / 1000.0, window, median, median / window,
                    boards.get(0), boards.get(boards.size() - 1), window, interval, bound * window);
            system.result = new Run(system.shards, system.latency.latencyMillis(0.5), system.latency.latencyMillis(0.99),
                    system.latency.latencyNanos().length, storm, median / window, bound, boards.get(0),
                    boards.get(boards.size() - 1), cpu / 1000.0 / storm.seconds(), 0, List.of());
        }
        for (Subject system : systems) {
            Map<String, Long> finals = system.showings.close();
            List<String> mismatches = system.showings.mismatches(system.accepted);
            System.out.printf("--vote-shards=%d: %d rotations seen; final counts of %s by showing %s; exact: %s;"
                            + " resident memory %d MiB%n", system.shards, system.showings.rotationsSeen(), HOT,
                    hotFinals(finals), mismatches.isEmpty() ? "yes" : mismatches, system.run.rssKiB() / 1024);
            Run r = system.result;
            system.result = new Run(r.shards(), r.latencyP50(), r.latencyP99(), r.latencySamples(), r.storm(),
                    r.boardsPerSubscriberPerSecond(), r.boundPerSecond(), r.minBoards(), r.maxBoards(), r.cpuCores(),
                    system.showings.rotationsSeen(), mismatches);
        }
    }

    private static void report(Run one, Run many, int ceiling, int shards, long interval) {
        PrintStream out = System.out;
        out.println();
        out.printf("| vote shards | accepted votes/s | writes/s (accepted + MovieNotCurrent), of the ceiling (%d x shards)"
                + " | Throttled | MovieNotCurrent | latency p50 / p99, below the ceiling | latency p50 / p99, storm"
                + " | onReviews per subscriber | CPU of the run | exact |%n", ceiling);
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (Run r : List.of(one, many)) {
            out.printf("| %d | %.1f | %.1f, %.2f | %d | %d | %.0f / %.0f ms (%d votes) | %.0f / %.0f ms | %.2f/s (min %d,"
                            + " max %d boards; bound %.2f/s) | %.2f cores | %s |%n", r.shards(), r.storm().acceptedPerSecond(),
                    writes(r), writes(r) / (ceiling * r.shards()), r.storm().refused("Throttled"),
                    r.storm().refused("MovieNotCurrent"), r.latencyP50(), r.latencyP99(), r.latencySamples(),
                    r.storm().latencyMillis(0.5), r.storm().latencyMillis(0.99), r.boardsPerSubscriberPerSecond(),
                    r.minBoards(), r.maxBoards(), r.boundPerSecond(), r.cpuCores(),
                    r.mismatches().isEmpty() ? "yes (" + r.rotations() + " rotations)" : "NO");
        }
        double ratio = many.storm().acceptedPerSecond() / one.storm().acceptedPerSecond();
        double writeRatio = writes(many) / writes(one);
        double perItem = writes(many) / (shards * ceiling);
        out.println();
        out.printf("ratio: %d shards took %.2fx the writes of 1 at the same per-item ceiling (linear: %dx), each shard at"
                        + " %.2f of its ceiling (1 shard: %.2f); accepted votes %.2fx (the rest of the writes were votes for"
                        + " a showing a rotation had just ended, refused as MovieNotCurrent)%n", shards, writeRatio, shards,
                perItem, writes(one) / ceiling, ratio);
        out.printf("added latency of sharding (%d shards against 1, below the ceiling, at the same time): p50 %+.0f ms,"
                + " p99 %+.0f ms%n", shards, many.latencyP50() - one.latencyP50(), many.latencyP99() - one.latencyP99());
        // The model: N shards carry N x DynamoDB's 1,000 writes/s per item, at the utilization measured with N shards.
        double perShardAtAws = AWS_WRITES_PER_ITEM * Math.min(1, perItem);
        long hot = (long) Math.ceil(TARGET_VOTES_PER_SECOND / perShardAtAws);
        long half = (long) Math.ceil(TARGET_VOTES_PER_SECOND / (AWS_WRITES_PER_ITEM * 0.5));
        out.printf("model at %.0f votes/s on one reaction, %.0f writes/s per item (DynamoDB): %d shards at the ceiling"
                        + " (each at %.2f of it, as measured), %d at half of it (%d items for five such reactions); at the"
                        + " ceiling %.0f%% of the %d shards' writes were accepted votes (1 shard: %.0f%%), the rest refused"
                        + " while a rotation moved the shards%n", TARGET_VOTES_PER_SECOND, AWS_WRITES_PER_ITEM, hot,
                Math.min(1, perItem), half, half * 5, 100 * many.storm().acceptedPerSecond() / writes(many), shards,
                100 * one.storm().acceptedPerSecond() / writes(one));
        double bound = 1000.0 / interval;
        for (double perViewer : new double[] {many.boardsPerSubscriberPerSecond(), bound}) {
            double messages = perViewer * VIEWERS;
            out.printf("model at %.0f viewers, %.2f onReviews messages/s each (%s): %.3g messages/s, %.3g a month,"
                            + " $%,.0f a month (P1, $2.00 per million)%n", VIEWERS, perViewer,
                    perViewer == bound ? "the bound, 1000 / " + interval + " ms" : "measured with " + shards + " shards",
                    messages, messages * SECONDS_PER_MONTH, messages * SECONDS_PER_MONTH * MESSAGE_PRICE);
        }
        out.printf("model at %.0f votes/s: mutations $%,.0f a month (P2, $4.00 per million), vote writes $%,.0f a"
                        + " month (P2, $0.625 per million WRU), whatever the shards (a vote is one write on one shard)%n",
                TARGET_VOTES_PER_SECOND, TARGET_VOTES_PER_SECOND * SECONDS_PER_MONTH * MUTATION_PRICE,
                TARGET_VOTES_PER_SECOND * SECONDS_PER_MONTH * WRITE_PRICE);
        boolean exact = one.mismatches().isEmpty() && many.mismatches().isEmpty();
        for (Run r : List.of(one, many)) {
            r.mismatches().forEach(m -> out.println("NOT EXACT, " + r.shards() + " shards: " + m));
        }
        if (!exact) {
            out.println("FAILED: votes were lost or counted twice");
            System.exit(1);
        }
    }

    /** Writes per second the storm made on the shards: accepted votes and the refused by their condition. */
    private static double writes(Run r) {
        return (r.storm().acceptedRequests() + r.storm().refused("MovieNotCurrent")) / r.storm().seconds();
    }

    private static VoteStorm.Result storm(GraphqlClient apiKey, int clients, double rate, Duration length,
                                          List<String> reactions) throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        return new VoteStorm(() -> apiKey, clients, rate, 1, reactions).run(() -> System.nanoTime() < end);
    }

    private static Map<String, Long> hotFinals(Map<String, Long> finals) {
        Map<String, Long> hot = new java.util.TreeMap<>();
        finals.forEach((k, v) -> {
            if (k.endsWith("/" + HOT)) {
                hot.put(k.split("/")[0], v);
            }
        });
        return hot;
    }

    private static JsonNode next(RealtimeSubscriber subscriber) {
        try {
            return subscriber.awaitNext(Duration.ofMillis(100));
        } catch (AssertionError e) {
            return null;
        }
    }

    private static int arg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
