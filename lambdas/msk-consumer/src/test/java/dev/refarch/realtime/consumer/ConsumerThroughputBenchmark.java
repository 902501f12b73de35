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
 * record, serially), in the same run. Both runs check per-symbol order and that nothing was
 * lost or repeated. The symbol spread is the benchmark's own (symbol {@code Pp} alone in partition
 * p) or, with {@code shipped} as the third argument, the shipped configuration's ({@code cdk.json}'s
 * {@code symbols} keyed onto {@code topicPartitions} by Kafka's default partitioner, as the
 * producer writes them). The consumer sends at most one tick of a symbol per request, so the
 * spread decides how many ticks a request carries. Run with {@code test/bench/consumer-throughput.sh}.
 */
public final class ConsumerThroughputBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIELD = Pattern.compile(
            "(m\\d+): publishTick\\(tick: \\$(tick\\d+)(?:, after: \\$after\\d+)?\\)");
    private static final int PARTITIONS = 10;
    private static final int RECORDS = 10_000;
    private static final int BASELINE_RECORDS = 1_000;
    private static final Duration SERVER_DELAY = Duration.ofMillis(20);

    /** Ticks the endpoint received, per symbol, in arrival order (their volume: the record's offset). */
    private static final Map<String, List<Long>> RECEIVED = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong REQUESTS = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong TICKS = new java.util.concurrent.atomic.AtomicLong();

    private ConsumerThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : RECORDS;
        int baselineRecords = args.length > 1 ? Integer.parseInt(args[1]) : BASELINE_RECORDS;
        Spread spread = args.length > 2 && args[2].equals("shipped") ? Spread.shipped(java.nio.file.Path.of("cdk.json"))
                : Spread.onePerPartition(PARTITIONS);
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
                TestConsumers.metrics(), TickRetry.standard(), spread.partitions())) {
            // First batch in a fresh JVM (what a cold start without SnapStart priming sees), then
            // warm batches (JIT done, connections open): the median of three after two warm-ups.
            Batch event = spread.batch(records);
            double coldSeconds = timedConsume(consumer, event);
            String consumerCheck = check(event);
            for (int i = 0; i < 2; i++) {
                timedConsume(consumer, event);
            }
            double[] warm = new double[3];
            REQUESTS.set(0);
            TICKS.set(0);
            for (int i = 0; i < warm.length; i++) {
                warm[i] = timedConsume(consumer, event);
                consumerCheck = check(event);
            }
            double ticksPerRequest = (double) TICKS.get() / REQUESTS.get();
            java.util.Arrays.sort(warm);
            double consumerSeconds = warm[1];

            serial(client, spread.batch(50));
            RECEIVED.clear();
            Batch baselineEvent = spread.batch(baselineRecords);
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
            System.out.printf(Locale.ROOT, "symbol spread: %s%n", spread.describe());
            System.out.printf(Locale.ROOT, "consumer (at most 25 aliases/request, each later tick of a symbol chained to the previous; "
                    + "%.1f ticks per request warm), %d records:%n"
                    + "  first batch in a fresh JVM: %.2f s = %.0f records/s%n"
                    + "  warm (median of 3 after 2 warm-ups): %.2f s = %.0f records/s (runs %.2f / %.2f / %.2f s)%n"
                    + "  %s%n", ticksPerRequest, records, coldSeconds, coldRate, consumerSeconds, consumerRate,
                    warm[0], warm[1], warm[2], consumerCheck);
            System.out.printf(Locale.ROOT, "original (1 request/record, serial), warm, on a %d-record prefix "
                    + "(all %d would take ~%.0f s):%n  %.2f s = %.0f records/s%n  %s%n", baselineRecords,
                    records, records / baselineRate, baselineSeconds, baselineRate, baselineCheck);
            System.out.printf(Locale.ROOT, "ratio consumer/original: %.0fx warm, %.0fx for the consumer's first batch%n",
                    consumerRate / baselineRate, coldRate / baselineRate);
        } finally {
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }

    /** Seconds to consume the batch; fails on any reported failure. */
    private static double timedConsume(TickConsumer consumer, Batch batch) {
        RECEIVED.clear();
        long start = System.nanoTime();
        BatchResponse response = consumer.consume(batch.event(), () -> Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!response.batchItemFailures().isEmpty()) {
            throw new AssertionError("consumer reported failures: " + response);
        }
        return seconds;
    }

    /** The original consumer: one mutation, one HTTP request per record, one record after another. */
    private static void serial(AppSyncClient client, Batch batch) {
        TickValidator validator = new TickValidator(4096);
        String operation = BackendMutations.PUBLISH_TICK.operation(1);
        for (List<KafkaRecord> partition : batch.event().records().values()) {
            for (KafkaRecord record : partition) {
                TickInput tick = ((Validation.Valid) validator.validate(record)).tick();
                client.execute(operation, Map.of("tick0", tick), AppSyncClient.NO_DEADLINE);
            }
        }
    }

    /** An MSK event and, per symbol, the offsets (= volumes) its ticks carry, in order. */
    private record Batch(MskEvent event, Map<String, List<Long>> expected) {
    }

    /**
     * Which partition each symbol's ticks go to.
     *
     * @param name        what the spread is, for the report
     * @param symbols     the symbols, ticks dealt to them in turn
     * @param partitionOf each symbol's partition
     * @param partitions  the topic's partition count
     */
    private record Spread(String name, List<String> symbols, List<Integer> partitionOf, int partitions) {

        /** The benchmark's own: symbol Pp alone in partition p. */
        static Spread onePerPartition(int partitions) {
            List<String> symbols = new ArrayList<>();
            List<Integer> partitionOf = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                symbols.add("P" + p);
                partitionOf.add(p);
            }
            return new Spread("benchmark's (one symbol per partition)", symbols, partitionOf, partitions);
        }

        /**
         * The shipped configuration's: {@code cdk.json}'s symbols and partition count, each symbol
         * in the partition Kafka's default partitioner gives its key (the producer keys by symbol).
         */
        static Spread shipped(java.nio.file.Path cdkJson) throws IOException {
            JsonNode context = JSON.readTree(cdkJson.toFile()).path("context");
            int partitions = context.path("topicPartitions").asInt();
            List<String> symbols = new ArrayList<>();
            List<Integer> partitionOf = new ArrayList<>();
            for (JsonNode symbol : context.path("symbols")) {
                symbols.add(symbol.asText());
                byte[] key = symbol.asText().getBytes(StandardCharsets.UTF_8);
                partitionOf.add(org.apache.kafka.common.utils.Utils.toPositive(
                        org.apache.kafka.common.utils.Utils.murmur2(key)) % partitions);
            }
            return new Spread("shipped (cdk.json)", symbols, partitionOf, partitions);
        }

        String describe() {
            Map<Integer, List<String>> byPartition = new java.util.TreeMap<>();
            for (int i = 0; i < symbols.size(); i++) {
                byPartition.computeIfAbsent(partitionOf.get(i), p -> new ArrayList<>()).add(symbols.get(i));
            }
            return name + ", " + symbols.size() + " symbols over " + partitions + " partitions, used: " + byPartition;
        }

        /** {@code records} ticks dealt to the symbols in turn, each at the next offset of its symbol's partition. */
        Batch batch(int records) {
            MskEventBuilder events = new MskEventBuilder();
            long[] nextOffset = new long[partitions];
            Map<String, List<Long>> expected = new java.util.LinkedHashMap<>();
            for (int i = 0; i < records; i++) {
                String symbol = symbols.get(i % symbols.size());
                int partition = partitionOf.get(i % symbols.size());
                long offset = nextOffset[partition]++;
                events.add(partition, offset, symbol, MskEventBuilder.tick(symbol, offset));
                expected.computeIfAbsent(symbol, s -> new ArrayList<>()).add(offset);
            }
            return new Batch(events.parsed(), expected);
        }
    }

    /** Every symbol's ticks were received exactly once each, in offset order. */
    private static String check(Batch batch) {
        int total = 0;
        for (Map.Entry<String, List<Long>> symbol : batch.expected().entrySet()) {
            List<Long> expected = symbol.getValue();
            List<Long> got = RECEIVED.getOrDefault(symbol.getKey(), List.of());
            if (!expected.equals(got)) {
                throw new AssertionError(symbol.getKey() + ": expected " + expected.size() + " offsets in order, got "
                        + got.size() + ": " + (got.size() > 20 ? got.subList(0, 20) + "..." : got));
            }
            total += got.size();
        }
        return "order and count checked: " + batch.event().records().size() + " partitions, "
                + batch.expected().size() + " symbols, " + total + " records, offsets increasing per symbol, "
                + "none lost or repeated";
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
            REQUESTS.incrementAndGet();
            TICKS.addAndGet(ticks.size());
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
