package dev.refarch.realtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A vote storm on the local run: {@code clients} voters aiming at {@code rate} votes/s in total for
 * {@code seconds}, {@code subscribers} WebSocket subscribers to {@code onReview}. Two phases in the
 * same run: the bounded broadcast (votes answer their callers; the review broadcaster publishes from
 * the stream) and, for the ratio, per-vote broadcast as before it (each accepted vote followed by a
 * {@code publishReview} of the row it answered, which is what a vote that triggered {@code onReview}
 * delivered). Reports votes/s accepted, messages each subscriber received per second, the CPU time
 * and resident memory of the run.
 *
 * <p>Arguments: {@code <repo root> [clients] [rate] [seconds] [subscribers]} (defaults 50, 2000, 60, 100).
 */
public final class VoteStormBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private VoteStormBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        int subscriberCount = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        // --iam=off: the per-vote phase emulates the original design's broadcast (publishReview signed
        // by the benchmark itself, a caller no role of the templates stands for), so IAM is not enforced.
        try (BenchLocalRun run = BenchLocalRun.start(root, "bench-vote-storm", "--iam=off")) {
            URI graphql = run.uri("graphqlUrl");
            GraphqlClient apiKey = GraphqlClient.withApiKey(graphql, run.text("apiKey"));
            URI realtime = run.uri("realtimeUrl");
            // Until the first rotation made a movie current.
            while (apiKey.execute(Operations.CURRENT_MOVIE).data("currentMovie").path("id").asText().isEmpty()) {
                Thread.sleep(500);
            }
            System.out.printf("vote storm: %d clients aiming at %d votes/s for %d s, %d subscribers%n", clients, rate,
                    seconds, subscriberCount);
            for (boolean perVote : new boolean[] {false, true}) {
                phase(perVote, apiKey, GraphqlClient.withIam(graphql), realtime, clients, rate, seconds,
                        subscriberCount, run);
            }
            System.out.printf("resident memory, runner and %d child processes: %d MiB%n",
                    run.handle().descendants().count(), run.rssKiB() / 1024);
        }
    }

    private static void phase(boolean perVote, GraphqlClient apiKey, GraphqlClient iam, URI realtime, int clients,
            int rate, int seconds, int subscriberCount, BenchLocalRun run) throws Exception {
        List<RealtimeSubscriber> subscribers = new ArrayList<>();
        List<AtomicLong> received = new ArrayList<>();
        for (int i = 0; i < subscriberCount; i++) {
            RealtimeSubscriber subscriber = RealtimeSubscriber.connect(realtime, apiKey.authHeaders());
            subscriber.subscribe(Operations.ON_REVIEW);
            subscribers.add(subscriber);
            received.add(new AtomicLong());
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long cpuBefore = run.cpuMillis();
        LongAdder accepted = new LongAdder();
        LongAdder requests = new LongAdder();
        ExecutorService voters = Executors.newFixedThreadPool(clients);
        List<Future<?>> running = new ArrayList<>();
        long perClientNanos = TimeUnit.SECONDS.toNanos(1) * clients / rate;
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            running.add(voters.submit(() -> {
                String movie = currentMovie(apiKey);
                long next = System.nanoTime();
                while (System.nanoTime() < end) {
                    String reaction = Reviews.REACTIONS.get(ThreadLocalRandom.current().nextInt(Reviews.REACTIONS.size()));
                    GraphqlClient.Response response = apiKey.execute(Operations.VOTE,
                            Map.of("movieId", movie, "reaction", reaction, "count", 1));
                    requests.increment();
                    if (response.succeeded()) {
                        accepted.increment();
                        if (perVote) {
                            JsonNode row = response.data("vote");
                            Map<String, Object> review = new java.util.LinkedHashMap<>();
                            for (String field : List.of("reaction", "movieId", "count", "topMovieId", "topMovieTitle",
                                    "topCount", "version")) {
                                review.put(field, JSON.treeToValue(row.path(field), Object.class));
                            }
                            iam.execute(Operations.PUBLISH_REVIEW, Map.of("review", review));
                        }
                    } else {
                        movie = currentMovie(apiKey);
                    }
                    next += perClientNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        voters.shutdown();
        // The last broadcast out, then count what each subscriber's socket queued.
        Thread.sleep(3000);
        long cpu = run.cpuMillis() - cpuBefore;
        for (int i = 0; i < subscriberCount; i++) {
            while (true) {
                try {
                    subscribers.get(i).awaitNext(Duration.ofMillis(100));
                    received.get(i).incrementAndGet();
                } catch (AssertionError e) {
                    break;
                }
            }
        }
        List<Long> counts = received.stream().map(AtomicLong::get).sorted().toList();
        double perSubscriberPerSecond = counts.get(counts.size() / 2) / elapsed;
        System.out.printf("%s: %d votes accepted of %d requests in %.1f s = %.0f votes/s; review messages per "
                        + "subscriber: median %d (%.1f/s), min %d, max %d; bound ceil(%.0f / 0.5 s) + 1 per reaction x 5 = %d; "
                        + "CPU of the run %.1f s (%.2f cores)%n",
                perVote ? "per-vote broadcast" : "bounded broadcast (500 ms)", accepted.sum(), requests.sum(), elapsed,
                accepted.sum() / elapsed, counts.get(counts.size() / 2), perSubscriberPerSecond, counts.get(0),
                counts.get(counts.size() - 1), elapsed + 3, ((long) Math.ceil((elapsed + 3) / 0.5) + 1) * 5,
                cpu / 1000.0, cpu / 1000.0 / elapsed);
        subscribers.forEach(RealtimeSubscriber::close);
    }

    private static String currentMovie(GraphqlClient client) {
        return client.execute(Operations.CURRENT_MOVIE).data("currentMovie").path("id").asText();
    }
}
