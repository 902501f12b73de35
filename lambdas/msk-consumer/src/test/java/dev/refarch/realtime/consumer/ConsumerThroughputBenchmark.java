package dev.refarch.realtime.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.appsync.BackendMutations;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * SPEC §7 consumer throughput: a 10,000-record MSK batch over 10 partitions, published to a
 * local GraphQL endpoint on 127.0.0.1 that answers every request after 20 ms, by this consumer
 * (aliased batches, partitions in parallel) and by the original's approach (one request per
 * record, serially), in the same run. Both runs check per-partition order and that nothing was
 * lost. Run with {@code test/bench/consumer-throughput.sh}.
 */
public final class ConsumerThroughputBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIELD = Pattern.compile("(m\\d+): publishTick\\(tick: \\$(tick\\d+)\\)");
    private static final int PARTITIONS = 10;
    private static final int RECORDS = 10_000;
    private static final int BASELINE_RECORDS = 1_000;
    private static final Duration SERVER_DELAY = Duration.ofMillis(20);

    /** Ticks the endpoint received, per symbol (= per partition), in arrival order. */
    private static final Map<String, List<Long>> RECEIVED = new ConcurrentHashMap<>();

    private ConsumerThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : RECORDS;
        int baselineRecords = args.length > 1 ? Integer.parseInt(args[1]) : BASELINE_RECORDS;
        // The JDK server writes headers and body separately; with Nagle on, each response waits for
        // the client's delayed ACK (~40 ms) and the endpoint would be slower than the 20 ms it models.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        ExecutorService serverThreads = Executors.newFixedThreadPool(64);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.createContext("/graphql", ConsumerThroughputBenchmark::answer);
        server.setExecutor(serverThreads);
        server.start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/graphql");
        AppSyncClient client = AppSyncClient.builder(AppSyncClientConfig.defaults(endpoint, Region.EU_WEST_1))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")))
                .build();
        FailureQueue none = (poison, timeLeft) -> {
            throw new IllegalStateException("the benchmark has no poison records: " + poison);
        };
        try (TickConsumer consumer = new TickConsumer(new TickValidator(4096), new AppSyncTickPublisher(client, 25), none,
                TestConsumers.metrics(), TickRetry.standard(), PARTITIONS)) {
            // First batch in a fresh JVM (what a cold start without SnapStart priming sees), then
            // warm batches (JIT done, connections open): the median of three after two warm-ups.
            MskEvent event = event(records);
            double coldSeconds = timedConsume(consumer, event);
            String consumerCheck = check(event);
            for (int i = 0; i < 2; i++) {
                timedConsume(consumer, event);
            }
            double[] warm = new double[3];
            for (int i = 0; i < warm.length; i++) {
                warm[i] = timedConsume(consumer, event);
                consumerCheck = check(event);
            }
            java.util.Arrays.sort(warm);
            double consumerSeconds = warm[1];

            serial(client, event(50));
            RECEIVED.clear();
            MskEvent baselineEvent = event(baselineRecords);
            long start = System.nanoTime();
            serial(client, baselineEvent);
            double baselineSeconds = (System.nanoTime() - start) / 1e9;
            String baselineCheck = check(baselineEvent);

            double coldRate = records / coldSeconds;
            double consumerRate = records / consumerSeconds;
            double baselineRate = baselineRecords / baselineSeconds;
            Runtime runtime = Runtime.getRuntime();
            System.out.printf(Locale.ROOT, "machine: %d cpus, %s %s, max heap %d MiB%n", runtime.availableProcessors(),
                    System.getProperty("os.name"), System.getProperty("os.arch"), runtime.maxMemory() >> 20);
            System.out.printf(Locale.ROOT, "jdk: %s %s%n", System.getProperty("java.vm.name"),
                    System.getProperty("java.runtime.version"));
            System.out.printf(Locale.ROOT, "endpoint: 127.0.0.1, answers every request after %d ms%n",
                    SERVER_DELAY.toMillis());
            System.out.printf(Locale.ROOT, "consumer (25 aliases/request, %d partitions in parallel), %d records:%n"
                    + "  first batch in a fresh JVM: %.2f s = %.0f records/s%n"
                    + "  warm (median of 3 after 2 warm-ups): %.2f s = %.0f records/s (runs %.2f / %.2f / %.2f s)%n"
                    + "  %s%n", PARTITIONS, records, coldSeconds, coldRate, consumerSeconds, consumerRate,
                    warm[0], warm[1], warm[2], consumerCheck);
            System.out.printf(Locale.ROOT, "original (1 request/record, serial), warm, on a %d-record prefix (%d per "
                    + "partition; all %d would take ~%.0f s):%n  %.2f s = %.0f records/s%n  %s%n", baselineRecords,
                    baselineRecords / PARTITIONS, records, records / baselineRate, baselineSeconds, baselineRate,
                    baselineCheck);
            System.out.printf(Locale.ROOT, "ratio consumer/original: %.0fx warm, %.0fx for the consumer's first batch%n",
                    consumerRate / baselineRate, coldRate / baselineRate);
        } finally {
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }

    /** Seconds to consume the batch; fails on any reported failure. */
    private static double timedConsume(TickConsumer consumer, MskEvent event) {
        RECEIVED.clear();
        long start = System.nanoTime();
        BatchResponse response = consumer.consume(event, () -> Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!response.batchItemFailures().isEmpty()) {
            throw new AssertionError("consumer reported failures: " + response);
        }
        return seconds;
    }

    /** The original consumer: one mutation, one HTTP request per record, one record after another. */
    private static void serial(AppSyncClient client, MskEvent event) {
        TickValidator validator = new TickValidator(4096);
        String operation = BackendMutations.PUBLISH_TICK.operation(1);
        for (List<KafkaRecord> partition : event.records().values()) {
            for (KafkaRecord record : partition) {
                TickInput tick = ((Validation.Valid) validator.validate(record)).tick();
                client.execute(operation, Map.of("tick0", tick), AppSyncClient.NO_DEADLINE);
            }
        }
    }

    /** {@code records} ticks spread evenly over the partitions; partition p carries symbol Pp, offsets 0.. as volume. */
    private static MskEvent event(int records) {
        MskEventBuilder events = new MskEventBuilder();
        for (int p = 0; p < PARTITIONS; p++) {
            for (long o = 0; o < records / PARTITIONS; o++) {
                events.add(p, o, "P" + p, MskEventBuilder.tick("P" + p, o));
            }
        }
        return events.parsed();
    }

    /** Every partition received exactly its offsets, once each, in increasing order. */
    private static String check(MskEvent event) {
        int total = 0;
        for (List<KafkaRecord> partition : event.records().values()) {
            String symbol = "P" + partition.get(0).partition();
            List<Long> expected = partition.stream().map(KafkaRecord::offset).toList();
            List<Long> got = RECEIVED.getOrDefault(symbol, List.of());
            if (!expected.equals(got)) {
                throw new AssertionError(symbol + ": expected " + expected.size() + " offsets in order, got "
                        + got.size() + ": " + (got.size() > 20 ? got.subList(0, 20) + "..." : got));
            }
            total += got.size();
        }
        return "order and count checked: " + event.records().size() + " partitions, " + total
                + " records, offsets increasing, none lost or repeated";
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            JsonNode body = JSON.readTree(in);
            ObjectNode data = JSON.createObjectNode();
            Matcher fields = FIELD.matcher(body.get("query").asText());
            List<JsonNode> ticks = new ArrayList<>();
            while (fields.find()) {
                JsonNode tick = body.at("/variables/" + fields.group(2));
                data.set(fields.group(1), tick);
                ticks.add(tick);
            }
            // Recorded on arrival: per partition the consumer sends one request at a time.
            for (JsonNode tick : ticks) {
                RECEIVED.computeIfAbsent(tick.get("symbol").asText(), s -> java.util.Collections.synchronizedList(
                        new ArrayList<>())).add(tick.get("volume").asLong());
            }
            Thread.sleep(SERVER_DELAY.toMillis());
            byte[] response = JSON.writeValueAsBytes(JSON.createObjectNode().set("data", data));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, response.length);
            exchange.getResponseBody().write(response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
