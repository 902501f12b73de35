package dev.refarch.realtime.local;

import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.AppConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the components of one run share: the project root (where {@code cdk.json},
 * {@code graphql/} and the function jars are), the deploy's configuration read from
 * {@code cdk.json} context, the ports, the log folder, and the local account's names.
 *
 * @param root   project root
 * @param config the same {@link AppConfig} the CDK app synthesizes from
 * @param ports  loopback ports
 * @param logs   the run's log folder
 * @param apiKey the simulator's API key (the web client's public key)
 * @param tickIntervalMs the producer's {@code TICK_INTERVAL_MS}: the Streaming stack's 1000 unless
 *               a benchmark asks for more ticks ({@code --tick-interval-ms=N})
 * @param consumerTimeoutSeconds the consumer function's timeout: the Streaming stack's
 *               {@value #STACK_CONSUMER_TIMEOUT_SECONDS} unless a test shortens the mapping's retry
 *               budget ({@code --consumer-timeout-seconds=N})
 * @param batchingWindowSeconds the consumer mapping's batching window: the Streaming stack's
 *               {@value #STACK_BATCHING_WINDOW_SECONDS} s unless a benchmark compares another
 *               ({@code --batching-window-seconds=N})
 */
public record LocalSettings(Path root, AppConfig config, Ports ports, LogFolder logs, String apiKey,
                            int tickIntervalMs, int consumerTimeoutSeconds, int batchingWindowSeconds) {

    /** The consumer's function timeout in the Streaming stack. */
    public static final int STACK_CONSUMER_TIMEOUT_SECONDS = Functions.TICK_CONSUMER.timeoutSeconds();
    /** The consumer mapping's batching window in the Streaming stack. */
    public static final int STACK_BATCHING_WINDOW_SECONDS = Functions.CONSUMER_BATCHING_WINDOW_SECONDS;

    /** The account and region local ARNs and URLs name; nothing reaches AWS. */
    public static final String ACCOUNT = "000000000000";
    public static final String REGION = "us-east-1";
    /** Fixed credentials every local client and function uses (the servers accept any). */
    public static final String ACCESS_KEY_ID = "AKIDLOCALRUN";
    public static final String SECRET_ACCESS_KEY = "local-run-secret";

    public LocalSettings {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(apiKey, "apiKey");
        if (tickIntervalMs < 10 || tickIntervalMs > 60_000) {
            throw new LocalRunException("--tick-interval-ms=" + tickIntervalMs + " must be between 10 and 60000");
        }
        // At least twice the handler's 1.5 s response margin; at most Lambda's 900 s limit.
        if (consumerTimeoutSeconds < 3 || consumerTimeoutSeconds > 900) {
            throw new LocalRunException("--consumer-timeout-seconds=" + consumerTimeoutSeconds
                    + " must be between 3 and 900");
        }
        // What Lambda accepts for MaximumBatchingWindowInSeconds: whole seconds, 0 to 300.
        if (batchingWindowSeconds < 0 || batchingWindowSeconds > 300) {
            throw new LocalRunException("--batching-window-seconds=" + batchingWindowSeconds
                    + " must be between 0 and 300");
        }
    }

    /** With the mapping's batching window as deployed. */
    public LocalSettings(Path root, AppConfig config, Ports ports, LogFolder logs, String apiKey, int tickIntervalMs,
                         int consumerTimeoutSeconds) {
        this(root, config, ports, logs, apiKey, tickIntervalMs, consumerTimeoutSeconds, STACK_BATCHING_WINDOW_SECONDS);
    }

    /** With the consumer's timeout as deployed. */
    public LocalSettings(Path root, AppConfig config, Ports ports, LogFolder logs, String apiKey, int tickIntervalMs) {
        this(root, config, ports, logs, apiKey, tickIntervalMs, STACK_CONSUMER_TIMEOUT_SECONDS);
    }

    /** The stage of local names ({@code <appName>-local-...}). */
    public String prefix() {
        return config.appName() + "-local";
    }

    /** The shaded jar of a function module, as the CDK app deploys it. */
    public Path functionJar(String module) {
        Path jar = root.resolve("lambdas").resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new LocalRunException(jar + " is missing: build it first, e.g. "
                    + "`mvn -q -pl local -am package -DskipTests` from " + root);
        }
        return jar;
    }

    public String secretArn(String name) {
        return "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + name;
    }

    public String loopback(int port) {
        return "http://127.0.0.1:" + port;
    }
}
