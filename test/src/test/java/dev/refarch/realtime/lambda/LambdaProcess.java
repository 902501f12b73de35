package dev.refarch.realtime.lambda;

import dev.refarch.realtime.local.RuntimeApi;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a handler as Lambda runs it, once: a fresh JVM under AWS's runtime interface client
 * ({@code com.amazonaws:aws-lambda-java-runtime-interface-client}), with Lambda's JVM options,
 * against the local run's {@link RuntimeApi}; measures init (JVM start to the first {@code /next}) and
 * init plus the first invocation (JVM start to its response).
 */
public final class LambdaProcess {

    /** What Lambda's Java runtimes pass to the JVM by default. */
    public static final List<String> LAMBDA_JVM_OPTIONS = List.of(
            "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
            "--enable-native-access=ALL-UNNAMED");
    private static final String RUNTIME_CLIENT = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:bench";
    private static final long INVOCATION_TIMEOUT_MILLIS = 30_000;

    /** A handler to measure: its classpath (the function's jar) and environment. */
    public record Target(String name, String handler, String classpath, Map<String, String> environment, String event) {
    }

    /** One cold start, in milliseconds. */
    public record Run(long initMs, long firstInvocationMs, boolean error, String response) {
    }

    private final String java;
    private final String runtimeClientClasspath;

    public LambdaProcess(String java, String runtimeClientClasspath) {
        this.java = java;
        this.runtimeClientClasspath = runtimeClientClasspath;
    }

    /**
     * This JVM's java and the runtime interface client jars on this JVM's classpath, for tests
     * whose classpath holds the client.
     */
    public static LambdaProcess fromTestClasspath() {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.matches(".*aws-lambda-java-(runtime-interface-client|core|serialization)-[^/]*\\.jar"))
                .collect(Collectors.joining(File.pathSeparator));
        return new LambdaProcess(Path.of(System.getProperty("java.home"), "bin", "java").toString(), classpath);
    }

    /** Starts the handler in a fresh JVM, invokes it once with the target's event, and stops it. */
    public Run run(Target target) throws Exception {
        try (RuntimeApi api = new RuntimeApi(FUNCTION_ARN)) {
            // Timed where they complete, on the Runtime API's thread: when the runtime first asked
            // for work, and when it answered (a failed init answers as an error).
            CompletableFuture<Long> initAt = api.initDone().thenApply(done -> System.nanoTime());
            RuntimeApi.Invocation invocation = api.enqueue(target.event(), INVOCATION_TIMEOUT_MILLIS);
            CompletableFuture<Outcome> answered = invocation.result()
                    .thenApply(result -> new Outcome(result, System.nanoTime()));
            api.initFailed().thenAccept(error -> answered.complete(
                    new Outcome(new RuntimeApi.Result(true, error), System.nanoTime())));
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(LAMBDA_JVM_OPTIONS);
            command.add("-cp");
            command.add(target.classpath() + File.pathSeparator + runtimeClientClasspath);
            command.add(RUNTIME_CLIENT);
            command.add(target.handler());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(Path.of(System.getProperty("java.io.tmpdir"), "lambda-" + target.name() + ".log").toFile());
            Map<String, String> env = builder.environment();
            env.putAll(lambdaEnvironment(target.name()));
            env.putAll(target.environment());
            env.put("AWS_LAMBDA_RUNTIME_API", api.address());

            long start = System.nanoTime();
            Process process = builder.start();
            try {
                Outcome outcome = answered.get(60, TimeUnit.SECONDS);
                long init = initAt.get(1, TimeUnit.SECONDS);
                return new Run(TimeUnit.NANOSECONDS.toMillis(init - start),
                        TimeUnit.NANOSECONDS.toMillis(outcome.at() - start), outcome.result().error(),
                        outcome.result().body());
            } finally {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** What the function answered and when ({@code System.nanoTime()}). */
    private record Outcome(RuntimeApi.Result result, long at) {
    }

    private static Map<String, String> lambdaEnvironment(String name) throws IOException {
        return Map.of(
                "AWS_LAMBDA_FUNCTION_NAME", name,
                "AWS_LAMBDA_FUNCTION_VERSION", "1",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024",
                "AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name,
                "AWS_LAMBDA_LOG_STREAM_NAME", "bench",
                "AWS_REGION", "us-east-1",
                "AWS_DEFAULT_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "AKIDBENCH",
                "AWS_SECRET_ACCESS_KEY", "bench-secret",
                "AWS_SESSION_TOKEN", "bench-token");
    }
}
