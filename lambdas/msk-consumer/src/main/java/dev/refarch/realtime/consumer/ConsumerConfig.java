package dev.refarch.realtime.consumer;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.regions.Region;

/**
 * The consumer's settings, read once at init from the function's environment.
 *
 * @param graphqlUrl         AppSync GraphQL endpoint ({@code GRAPHQL_URL})
 * @param failureQueueUrl    SQS queue that receives records that can never be published ({@code FAILURE_QUEUE_URL})
 * @param maxTicksPerRequest aliased {@code publishTick} fields per AppSync request ({@code MAX_TICKS_PER_REQUEST}, default 25)
 * @param maxRecordBytes     largest record value accepted, in bytes after base64 decoding ({@code MAX_RECORD_BYTES}, default 4096)
 * @param partitionThreads   partitions published in parallel ({@code PARTITION_THREADS}, default 10)
 * @param region             signing region ({@code AWS_REGION}, set by Lambda)
 * @param sqsEndpoint        SQS endpoint override ({@code AWS_ENDPOINT_URL_SQS}); null for the regional endpoint
 * @param metricsNamespace   CloudWatch namespace of the batch metrics ({@code POWERTOOLS_METRICS_NAMESPACE},
 *                           default {@code RealtimeRefarch})
 * @param conflation         {@code TICK_DELIVERY} ({@code all}, the default, or {@code latest}) and
 *                           {@code TICK_CONFLATE_AFTER_SECONDS} (default 30)
 */
public record ConsumerConfig(URI graphqlUrl, String failureQueueUrl, int maxTicksPerRequest, int maxRecordBytes,
        int partitionThreads, Region region, URI sqsEndpoint, String metricsNamespace, Conflation conflation) {

    static final int DEFAULT_MAX_TICKS_PER_REQUEST = 25;
    static final int DEFAULT_MAX_RECORD_BYTES = 4096;
    static final int DEFAULT_PARTITION_THREADS = 10;
    static final String DEFAULT_METRICS_NAMESPACE = "RealtimeRefarch";

    /** Validates every value, so a bad setting fails the init phase with a message naming it. */
    public ConsumerConfig {
        Objects.requireNonNull(graphqlUrl, "GRAPHQL_URL");
        Objects.requireNonNull(region, "AWS_REGION");
        if (failureQueueUrl == null || failureQueueUrl.isBlank()) {
            throw new IllegalArgumentException("FAILURE_QUEUE_URL is required");
        }
        // AppSync allows a bounded number of top-level fields per request; 100 keeps well under it.
        requireRange("MAX_TICKS_PER_REQUEST", maxTicksPerRequest, 1, 100);
        requireRange("MAX_RECORD_BYTES", maxRecordBytes, 64, 1024 * 1024);
        requireRange("PARTITION_THREADS", partitionThreads, 1, 64);
        Objects.requireNonNull(conflation, "conflation");
        if (metricsNamespace == null || metricsNamespace.isBlank()) {
            throw new IllegalArgumentException("POWERTOOLS_METRICS_NAMESPACE must not be blank");
        }
    }

    /** Reads the configuration from environment variables (pass {@code System.getenv()}). */
    public static ConsumerConfig fromEnv(Map<String, String> env) {
        return new ConsumerConfig(
                uri(env, "GRAPHQL_URL", true),
                env.get("FAILURE_QUEUE_URL"),
                integer(env, "MAX_TICKS_PER_REQUEST", DEFAULT_MAX_TICKS_PER_REQUEST),
                integer(env, "MAX_RECORD_BYTES", DEFAULT_MAX_RECORD_BYTES),
                integer(env, "PARTITION_THREADS", DEFAULT_PARTITION_THREADS),
                region(env),
                uri(env, "AWS_ENDPOINT_URL_SQS", false),
                env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "").isBlank() ? DEFAULT_METRICS_NAMESPACE
                        : env.get("POWERTOOLS_METRICS_NAMESPACE").strip(),
                Conflation.of(env.get("TICK_DELIVERY"), integer(env, "TICK_CONFLATE_AFTER_SECONDS", 30)));
    }

    private static Region region(Map<String, String> env) {
        String value = env.get("AWS_REGION");
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("AWS_REGION is required");
        }
        return Region.of(value);
    }

    private static URI uri(Map<String, String> env, String name, boolean required) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            if (required) {
                throw new IllegalArgumentException(name + " is required");
            }
            return null;
        }
        try {
            URI uri = URI.create(value);
            if (uri.getHost() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not an http(s) URL", e);
        }
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not an integer", e);
        }
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + "=" + value + " must be between " + min + " and " + max);
        }
    }
}
