package dev.refarch.realtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local run's own figures: the time from {@code java -jar local/target/local.jar} to ready;
 * producer-to-subscriber latency of ticks (the tick's timestamp, set by the producer function, to
 * its arrival at a WebSocket subscriber: Kafka, the event source mapping poller, the consumer
 * function, the simulator); beside it, in the same run, the simulator's own publish-to-subscriber
 * latency (a chat mutation sent to its event at a subscriber); and the resident memory of the
 * runner and all its child processes together.
 *
 * <p>Arguments: {@code <repo root> [ticks] [tick interval ms]} (defaults 1000 and 50: five symbols
 * at 20 ticks/s each, instead of the deployed 1 tick/s, so 1000 ticks take seconds, not minutes).
 * Two local runs, one after the other, both with the batching window the stack deploys: the IAM
 * gateway routing calls unchecked ({@code --iam=off}, the baseline), then checking every one (as the
 * local run does by default): what verifying signatures and evaluating policies costs a tick. Issue
 * 17 compared the mapping's batching window before it (1 s) with today's (0 s) here; BENCHMARKS.md
 * keeps those rows, and {@code --batching-window-seconds=1} on the run reproduces the old setting.
 */
public final class LocalLatencyBench {

    private LocalLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        int wanted = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int interval = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        // Two local runs one after the other, so both meet the same machine and load.
        run(root, wanted, interval, "IAM not checked (--iam=off, baseline)", "--iam=off");
        run(root, wanted, interval, "IAM checked on every call (as the local run defaults)");
    }

    private static void run(Path root, int wanted, int interval, String label, String... options) throws Exception {
        long begin = System.nanoTime();
        List<String> arguments = new ArrayList<>(List.of("--tick-interval-ms=" + interval));
        arguments.addAll(List.of(options));
        try (BenchLocalRun run = BenchLocalRun.start(root, "bench-local", arguments.toArray(String[]::new))) {
            long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            GraphqlClient client = GraphqlClient.withApiKey(run.uri("graphqlUrl"), run.text("apiKey"));
            URI realtime = run.uri("realtimeUrl");

            List<Long> tickLatencies = new ArrayList<>();
            try (RealtimeSubscriber ticks = RealtimeSubscriber.connect(realtime, client.authHeaders())) {
                for (String symbol : List.of("AMZN", "AAPL", "MSFT", "GOOGL", "NVDA")) {
                    ticks.subscribe(Operations.ON_TICK, Map.of("symbol", symbol));
                }
                while (tickLatencies.size() < wanted) {
                    JsonNode tick = ticks.awaitNext(Duration.ofSeconds(60)).at("/payload/data/onTick");
                    long now = System.currentTimeMillis();
                    tickLatencies.add(now - Instant.parse(tick.path("timestamp").asText()).toEpochMilli());
                }
            }
            long rssKiB = run.rssKiB();

            List<Long> chatLatencies = new ArrayList<>();
            try (RealtimeSubscriber chat = RealtimeSubscriber.connect(realtime, client.authHeaders())) {
                chat.subscribe(Operations.ON_MESSAGE);
                for (int i = 0; i < 200; i++) {
                    long sent = System.nanoTime();
                    client.execute(Operations.SEND_MESSAGE, Map.of("author", "bench", "text", "m" + i)).assertSucceeded();
                    chat.awaitNext(Duration.ofSeconds(10));
                    chatLatencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
                }
            }
            System.out.printf("== %s%n", label);
            System.out.printf("time to ready: %d ms (runner's own figure %d ms)%n", readyMs, run.readyMillis());
            System.out.printf("producer -> subscriber, %d ticks at %d ms per symbol: p50 %d ms, p99 %d ms, max %d ms%n",
                    tickLatencies.size(), interval, percentile(tickLatencies, 50), percentile(tickLatencies, 99),
                    Collections.max(tickLatencies));
            System.out.printf("simulator alone (chat mutation -> subscriber, %d round trips): p50 %d ms, p99 %d ms%n",
                    chatLatencies.size(), percentile(chatLatencies, 50), percentile(chatLatencies, 99));
            System.out.printf("resident memory, runner and %d child processes: %d MiB%n",
                    run.handle().descendants().count(), rssKiB / 1024);
        }
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
