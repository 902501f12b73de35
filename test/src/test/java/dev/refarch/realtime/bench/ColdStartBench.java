package dev.refarch.realtime.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.lambda.LambdaProcess;
import dev.refarch.realtime.msk.testing.KafkaBroker;
import dev.refarch.realtime.msk.testing.MskEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import dev.refarch.realtime.graphql.testing.Operations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Cold-start benchmark: each handler in a fresh JVM under AWS's runtime interface client, init
 * plus first invocation, beside a no-op Java handler run the same way in the same run
 * (alternating), against local stand-ins: DynamoDB Local and the AppSync simulator with the real
 * resolvers, a SCRAM Kafka broker, WireMock as TMDb, Secrets Manager and SQS. The rotator makes one
 * rotation, the producer emits for one second, the consumer delivers a 100-record MSK event.
 * Each jar runs unpacked, as Lambda runs a deployment package ({@link #taskRoot}). Prints medians,
 * ratios and jar sizes.
 *
 * <p>Arguments: {@code <java> <runtime-client classpath> <no-op classpath> <repo root> [runs]
 * [baseline jar directory] [variant JAVA_TOOL_OPTIONS]}. A baseline jar directory (holding
 * {@code movie-rotator.jar}, {@code msk-producer.jar}, {@code msk-consumer.jar}, e.g. copies of
 * the jars before a change) adds those jars as further targets, measured in the same run; a
 * non-empty JAVA_TOOL_OPTIONS adds each function once more with that environment variable set, as
 * a function's configuration would set it on Lambda. The JVM exits when the report is printed:
 * DynamoDB Local leaves a non-daemon job thread ({@code ShardRolloverJobScheduler}) running after
 * it is stopped.
 */
public final class ColdStartBench {

    private ColdStartBench() {
    }

    private static final List<String> FUNCTIONS = List.of("movie-rotator", "msk-producer", "msk-consumer");

    /**
     * The jar as Lambda runs it: Lambda unpacks a .zip or .jar deployment package into the task
     * root ({@code /var/task}) and the runtime loads the classes from there, not from the archive
     * (https://docs.aws.amazon.com/lambda/latest/dg/java-package.html); so does this benchmark, into
     * a temporary folder deleted when the JVM exits.
     */
    static Path taskRoot(Path jar, String name) throws IOException {
        Path root = Files.createTempDirectory("var-task-" + name + "-");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException(jar + " has an entry outside its root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (var in = zip.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
        return root;
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }

    public static void main(String[] args) {
        int status = 1;
        try {
            run(args);
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            System.out.flush();
            System.exit(status);
        }
    }

    private static void run(String[] args) throws Exception {
        String java = args[0];
        LambdaProcess coldStart = new LambdaProcess(java, args[1]);
        String noOpClasspath = args[2];
        Path root = Path.of(args[3]);
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        String baselineJars = args.length > 5 ? args[5] : "";
        String variantToolOptions = args.length > 6 ? args[6] : "";

        Map<String, Path> jars = new LinkedHashMap<>();
        for (String module : FUNCTIONS) {
            jars.put(module, root.resolve("lambdas/" + module + "/target/" + module + ".jar"));
        }
        if (!baselineJars.isBlank()) {
            for (String module : FUNCTIONS) {
                jars.put(module + ".baseline", Path.of(baselineJars).resolve(module + ".jar"));
            }
        }
        WireMockServer standIns = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        standIns.start();
        try (LocalApi api = LocalApi.start(); KafkaBroker broker = KafkaBroker.start(KAFKA_USER, KAFKA_PASSWORD)) {
            prepareRotatorStandIns(api, standIns);
            prepareStreamingStandIns(broker, standIns);
            List<LambdaProcess.Target> targets = new ArrayList<>();
            targets.add(new LambdaProcess.Target("no-op", NoOpHandler.class.getName() + "::handleRequest",
                    noOpClasspath, Map.of(), "{}"));
            String event = mskEvent(broker);
            for (Map.Entry<String, Path> jar : jars.entrySet()) {
                String name = jar.getKey();
                String jarPath = taskRoot(jar.getValue(), name).toString();
                if (name.startsWith("movie-rotator")) {
                    targets.add(new LambdaProcess.Target(name, "dev.refarch.realtime.rotator.MovieRotatorHandler::handleRequest",
                            jarPath, rotatorEnvironment(api, standIns), "{}"));
                } else if (name.startsWith("msk-producer")) {
                    targets.add(new LambdaProcess.Target(name, "dev.refarch.realtime.producer.TickProducerHandler::handleRequest",
                            jarPath, producerEnvironment(broker, standIns), "{}"));
                } else {
                    targets.add(new LambdaProcess.Target(name, "dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest",
                            jarPath, consumerEnvironment(api, standIns), event));
                }
            }
            if (!variantToolOptions.isBlank()) {
                for (LambdaProcess.Target t : List.copyOf(targets)) {
                    if (!t.name().equals("no-op") && !t.name().endsWith(".baseline")) {
                        Map<String, String> env = new LinkedHashMap<>(t.environment());
                        env.put("JAVA_TOOL_OPTIONS", variantToolOptions);
                        targets.add(new LambdaProcess.Target(t.name() + ".tool-options", t.handler(),
                                t.classpath(), env, t.event()));
                    }
                }
                System.out.println("variant JAVA_TOOL_OPTIONS: " + variantToolOptions);
            }

            Map<String, List<LambdaProcess.Run>> results = new LinkedHashMap<>();
            for (int i = 0; i < runs; i++) {
                for (LambdaProcess.Target target : targets) {
                    LambdaProcess.Run run = coldStart.run(target);
                    if (run.error()) {
                        throw new IllegalStateException(target.name() + " failed: " + run.response()
                                + " (log: /tmp/lambda-" + target.name() + ".log)");
                    }
                    results.computeIfAbsent(target.name(), k -> new ArrayList<>()).add(run);
                }
            }
            report(java, results, jars);
        } finally {
            standIns.stop();
        }
    }

    private static void prepareRotatorStandIns(LocalApi api, WireMockServer standIns) {
        api.iamClient().execute(Operations.SET_CURRENT_MOVIE, Map.of("movie", Map.of("id", "0", "title", "Start", "rotation", 0)))
                .assertSucceeded();
        api.seedReviews("0");
        String results = IntStream.rangeClosed(1, 20).mapToObj(i -> """
                {"id": %d, "title": "Movie %d", "overview": "An overview.", "poster_path": "/p%d.jpg",
                 "release_date": "2020-01-%02d"}""".formatted(i, i, i, i)).collect(Collectors.joining(","));
        standIns.stubFor(get(urlPathEqualTo("/3/movie/popular")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"page\":1,\"total_pages\":1,\"total_results\":20,\"results\":[" + results + "]}")));
        standIns.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ARN\":\"arn:aws:secretsmanager:us-east-1:000000000000:secret:tmdb\","
                                + "\"Name\":\"tmdb\",\"SecretString\":\"{\\\"tmdbApiKey\\\":\\\"bench-key\\\"}\"}")));
    }

    private static final String KAFKA_USER = "realtime";
    private static final String KAFKA_PASSWORD = "bench-password";
    private static final String SCRAM_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_bench";
    private static final String TOPIC = "market-ticks";

    private static void prepareStreamingStandIns(KafkaBroker broker, WireMockServer standIns) {
        broker.createTopic(TOPIC, 10);
        standIns.stubFor(post(urlPathEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("AmazonMSK_bench"))
                .atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ARN\":\"" + SCRAM_ARN + "\",\"Name\":\"AmazonMSK_bench\",\"SecretString\":"
                                + "\"{\\\"username\\\":\\\"" + KAFKA_USER + "\\\",\\\"password\\\":\\\""
                                + KAFKA_PASSWORD + "\\\"}\"}")));
    }

    /** One run of one second, one round per 100 ms, five symbols. */
    private static Map<String, String> producerEnvironment(KafkaBroker broker, WireMockServer standIns) {
        return Map.of(
                "BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "SCRAM_SECRET_ARN", SCRAM_ARN,
                "TOPIC", TOPIC,
                "SYMBOLS", "AMZN,AAPL,MSFT,GOOGL,NVDA",
                "TICK_INTERVAL_MS", "100",
                "RUN_SECONDS", "1",
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", standIns.baseUrl(),
                "AWS_EMF_ENVIRONMENT", "Local");
    }

    private static Map<String, String> consumerEnvironment(LocalApi api, WireMockServer standIns) {
        return Map.of(
                "GRAPHQL_URL", api.simulator().graphqlUrl().toString(),
                "FAILURE_QUEUE_URL", standIns.baseUrl() + "/000000000000/failures",
                "AWS_ENDPOINT_URL_SQS", standIns.baseUrl());
    }

    /** 100 valid ticks over 10 partitions, in Lambda's MSK event shape. */
    private static String mskEvent(KafkaBroker broker) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String symbol = List.of("AMZN", "AAPL", "MSFT", "GOOGL", "NVDA").get(i % 5);
            String tick = """
                    {"symbol":"%s","price":%d.5,"open":100.0,"high":%d.9,"low":99.0,"volume":%d,"timestamp":"2026-11-22T10:00:%02d.000Z"}"""
                    .formatted(symbol, 100 + i, 100 + i, 1000 * i, i % 60);
            records.add(new ConsumerRecord<>(TOPIC, i % 10, i / 10, symbol.getBytes(StandardCharsets.UTF_8),
                    tick.getBytes(StandardCharsets.UTF_8)));
        }
        return MskEvents.json(MskEvents.LOCAL_CLUSTER_ARN, broker.bootstrapServers(), records);
    }

    private static Map<String, String> rotatorEnvironment(LocalApi api, WireMockServer standIns) {
        return Map.of(
                "REVIEWS_TABLE", LocalApi.REVIEWS_TABLE,
                "MOVIES_TABLE", LocalApi.MOVIES_TABLE,
                "GRAPHQL_URL", api.simulator().graphqlUrl().toString(),
                "TMDB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:000000000000:secret:tmdb",
                "TMDB_BASE_URL", standIns.baseUrl() + "/3",
                "AWS_ENDPOINT_URL_DYNAMODB", api.dynamoDbEndpoint().toString(),
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", standIns.baseUrl(),
                "POWERTOOLS_SERVICE_NAME", "movie-rotator",
                "POWERTOOLS_METRICS_NAMESPACE", "RealtimeRefarch");
    }

    private static void report(String java, Map<String, List<LambdaProcess.Run>> results, Map<String, Path> jars)
            throws Exception {
        System.out.printf("machine: %d cores, JVM %s, runs per handler: %d (alternating)%n",
                Runtime.getRuntime().availableProcessors(), java, results.get("no-op").size());
        long baseInit = median(results.get("no-op"), true);
        long baseFirst = median(results.get("no-op"), false);
        for (Map.Entry<String, List<LambdaProcess.Run>> e : results.entrySet()) {
            long init = median(e.getValue(), true);
            long first = median(e.getValue(), false);
            System.out.printf("%-28s init %5d ms (%.2fx no-op)   init + first invocation %5d ms (%.2fx no-op)   runs %s%n",
                    e.getKey(), init, (double) init / baseInit, first, (double) first / baseFirst,
                    e.getValue().stream().map(r -> r.initMs() + "/" + r.firstInvocationMs()).toList());
        }
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            System.out.printf("%s jar: %.1f MiB%n", jar.getKey(), Files.size(jar.getValue()) / 1048576.0);
        }
    }

    private static long median(List<LambdaProcess.Run> runs, boolean init) {
        List<Long> values = runs.stream().map(r -> init ? r.initMs() : r.firstInvocationMs()).sorted().toList();
        return values.get(values.size() / 2);
    }
}
