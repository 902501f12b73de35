package dev.refarch.realtime.bench;

import com.sun.net.httpserver.HttpServer;
import dev.refarch.realtime.lambda.LambdaProcess;
import dev.refarch.realtime.lambda.ProducerJar;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * What SnapStart priming saves after a restore, for the two functions whose first work after it
 * is on the hot path: in a fresh JVM with Lambda's JVM options and the function's jar unpacked as
 * Lambda runs it, the step a restored environment does first, without and with the function's
 * priming before it, alternating. SnapStart itself cannot run here, so a fresh JVM stands in for the
 * restored one: it overstates what priming saves (a restored JVM also holds everything init did).
 * <ul>
 *   <li>producer: creating its Kafka producer with the deployed settings (SASL_SSL, SCRAM), after
 *   {@code TickProducer.primeKafka} or not; no broker is needed, creation does not wait for one;</li>
 *   <li>consumer: the Lambda handler built from its environment, then its first batch (100 ticks over
 *   10 partitions) to a loopback AppSync stand-in, after the handler's {@code Priming} or not.</li>
 * </ul>
 * Prints the medians and their ratios; the JVM exits by itself.
 * Usage: {@code PrimingBench <java> <project root> <runs>} (test/bench/priming.sh).
 */
public final class PrimingBench {

    private static final int TICKS = 100;
    private static final int PARTITIONS = 10;

    private PrimingBench() {
    }

    public static void main(String[] args) throws Exception {
        String java = args[0];
        Path root = Path.of(args[1]);
        int runs = Integer.parseInt(args[2]);
        Path self = Path.of(PrimingBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        HttpServer appSync = appSyncStandIn();
        Path event = Files.createTempFile("msk-event-", ".json");
        try {
            Files.writeString(event, mskEvent());
            Map<String, String> consumerEnv = new LinkedHashMap<>(Map.of(
                    "GRAPHQL_URL", "http://127.0.0.1:" + appSync.getAddress().getPort() + "/graphql",
                    "FAILURE_QUEUE_URL", "http://127.0.0.1:9/000000000000/unused",
                    "AWS_REGION", "eu-west-1",
                    "AWS_ACCESS_KEY_ID", "AKIDBENCH", "AWS_SECRET_ACCESS_KEY", "bench",
                    "POWERTOOLS_METRICS_NAMESPACE", "Bench",
                    // EMF lines to stdout, not a probe of EC2/ECS metadata endpoints.
                    "AWS_EMF_ENVIRONMENT", "Local",
                    "EVENT_FILE", event.toString()));
            Subject producer = new Subject("producer: Kafka producer created",
                    ColdStartBench.taskRoot(root.resolve("lambdas/msk-producer/target/msk-producer.jar"), "msk-producer"),
                    ProducerChild.class, Map.of());
            Subject consumer = new Subject("consumer: first batch of " + TICKS + " ticks",
                    ColdStartBench.taskRoot(root.resolve("lambdas/msk-consumer/target/msk-consumer.jar"), "msk-consumer"),
                    ConsumerChild.class, consumerEnv);
            System.out.printf("machine: %d cores, JVM %s, runs: %d (alternating)%n",
                    Runtime.getRuntime().availableProcessors(), java, runs);
            for (Subject subject : List.of(producer, consumer)) {
                List<Long> cold = new ArrayList<>();
                List<Long> primed = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    cold.add(micros(java, subject, self, false));
                    primed.add(micros(java, subject, self, true));
                }
                long coldMedian = median(cold);
                long primedMedian = median(primed);
                System.out.printf("%-40s not primed %7.1f ms, primed %7.1f ms (medians), primed / not primed %.2f%n",
                        subject.name(), coldMedian / 1000.0, primedMedian / 1000.0, (double) primedMedian / coldMedian);
                System.out.printf("%-40s runs (us): not primed %s, primed %s%n", "", cold, primed);
            }
        } finally {
            appSync.stop(0);
            Files.deleteIfExists(event);
        }
    }

    private record Subject(String name, Path task, Class<?> child, Map<String, String> environment) {
    }

    private static long micros(String java, Subject subject, Path self, boolean prime) throws Exception {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(LambdaProcess.LAMBDA_JVM_OPTIONS);
        command.addAll(List.of("-cp", subject.task() + File.pathSeparator + self, subject.child().getName(),
                prime ? "primed" : "cold"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().putAll(subject.environment());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("the measuring JVM failed: " + output);
        }
        return output.lines().filter(l -> l.startsWith("measured-us=")).findFirst()
                .map(l -> Long.parseLong(l.substring("measured-us=".length())))
                .orElseThrow(() -> new IllegalStateException("no measurement in: " + output));
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    /** Answers every aliased publishTick request as AppSync does when all of them are stored. */
    private static HttpServer appSyncStandIn() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        StringJoiner data = new StringJoiner(",", "{\"data\":{", "}}");
        for (int i = 0; i < TICKS; i++) {
            data.add("\"m" + i + "\":{\"symbol\":\"AMZN\"}");
        }
        byte[] body = data.toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/graphql", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    /** Lambda's MSK event of {@link #TICKS} valid ticks over {@link #PARTITIONS} partitions. */
    private static String mskEvent() {
        StringJoiner partitions = new StringJoiner(",", "{\"eventSource\":\"aws:kafka\","
                + "\"eventSourceArn\":\"arn:aws:kafka:eu-west-1:000000000000:cluster/bench/0\",\"records\":{", "}}");
        for (int p = 0; p < PARTITIONS; p++) {
            StringJoiner records = new StringJoiner(",", "\"market-ticks-" + p + "\":[", "]");
            for (int i = 0; i < TICKS / PARTITIONS; i++) {
                String tick = "{\"symbol\":\"S" + p + "\",\"price\":100.5,\"open\":100.0,\"high\":101.0,\"low\":99.5,"
                        + "\"volume\":10,\"timestamp\":\"2026-12-01T08:00:00Z\",\"sequence\":" + (i + 1) + "}";
                records.add("{\"topic\":\"market-ticks\",\"partition\":" + p + ",\"offset\":" + i
                        + ",\"timestamp\":1764576000000,\"timestampType\":\"CREATE_TIME\",\"value\":\""
                        + Base64.getEncoder().encodeToString(tick.getBytes(StandardCharsets.UTF_8)) + "\",\"headers\":[]}");
            }
            partitions.add(records.toString());
        }
        return partitions.toString();
    }

    /** In the measuring JVM, whose class path is the unpacked producer jar and this module's test classes. */
    public static final class ProducerChild {

        private ProducerChild() {
        }

        public static void main(String[] args) throws Exception {
            Properties settings = ProducerJar.producerSettings("SASL_SSL");
            if (args[0].equals("primed")) {
                Class.forName("dev.refarch.realtime.producer.TickProducer")
                        .getMethod("primeKafka", Properties.class).invoke(null, settings);
            }
            long start = System.nanoTime();
            Object producer = ProducerJar.newProducer(settings);
            long micros = (System.nanoTime() - start) / 1000;
            ProducerJar.close(producer);
            System.out.println("measured-us=" + micros);
        }
    }

    /**
     * In the measuring JVM, whose class path is the unpacked consumer jar and this class: the handler
     * as Lambda builds it, its priming (package-private, reached by reflection) if asked, then one batch.
     */
    public static final class ConsumerChild {

        private ConsumerChild() {
        }

        public static void main(String[] args) throws Exception {
            byte[] event = Files.readAllBytes(Path.of(System.getenv("EVENT_FILE")));
            Class<?> handlerType = Class.forName("dev.refarch.realtime.consumer.TickConsumerHandler");
            Object handler = handlerType.getConstructor().newInstance();
            if (args[0].equals("primed")) {
                Method priming = handlerType.getDeclaredMethod("priming");
                priming.setAccessible(true);
                Object resource = priming.invoke(handler);
                Method before = resource.getClass().getMethod("beforeCheckpoint", Class.forName("org.crac.Context"));
                before.setAccessible(true);
                before.invoke(resource, (Object) null);
            }
            Class<?> contextType = Class.forName("com.amazonaws.services.lambda.runtime.Context");
            Object context = Proxy.newProxyInstance(contextType.getClassLoader(), new Class<?>[] {contextType},
                    (proxy, method, methodArgs) -> switch (method.getName()) {
                        case "getRemainingTimeInMillis" -> 60_000;
                        case "getAwsRequestId" -> "priming-bench";
                        case "getFunctionName" -> "msk-consumer";
                        case "getMemoryLimitInMB" -> 1024;
                        default -> null;
                    });
            Method handle = handlerType.getMethod("handleRequest", InputStream.class, OutputStream.class, contextType);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            long start = System.nanoTime();
            handle.invoke(handler, new ByteArrayInputStream(event), response, context);
            long micros = (System.nanoTime() - start) / 1000;
            String answer = response.toString(StandardCharsets.UTF_8);
            if (!answer.contains("\"batchItemFailures\":[]")) {
                throw new IllegalStateException("the batch was not delivered whole: " + answer);
            }
            System.out.println("measured-us=" + micros);
            System.exit(0);
        }
    }
}
