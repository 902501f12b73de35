package dev.refarch.realtime.appsync;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.regions.Region;

/**
 * How an {@link AppSyncClient} reaches AppSync and how hard it tries.
 *
 * @param endpoint            the GraphQL endpoint, e.g. {@code https://xyz.appsync-api.eu-west-1.amazonaws.com/graphql}
 * @param region              the region requests are signed for
 * @param connectTimeout      TCP/TLS connect timeout
 * @param requestTimeout      timeout of one HTTP attempt (capped by the caller's remaining time)
 * @param maxAttempts         attempts per request, the first one included; {@link #UNTIL_DEADLINE}
 *                            for attempts bounded only by the caller's remaining time
 * @param baseDelay           backoff cap before the second attempt; doubles per attempt
 * @param maxDelay            upper bound of any single backoff
 * @param maxFieldsPerRequest aliased mutation fields sent in one batched request
 * @param maxRequestBytes     size guard for a batched request body; larger batches are split
 */
public record AppSyncClientConfig(
        URI endpoint,
        Region region,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Duration baseDelay,
        Duration maxDelay,
        int maxFieldsPerRequest,
        int maxRequestBytes) {

    /**
     * {@code maxAttempts} meaning "retry until the caller's remaining time runs out": for callers
     * with a real deadline (a Lambda invocation), so a long outage uses the whole invocation.
     */
    public static final int UNTIL_DEADLINE = Integer.MAX_VALUE;

    /** Validates every value so a bad configuration fails at init, not on the first publish. */
    public AppSyncClientConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        if (!"https".equals(endpoint.getScheme()) && !"http".equals(endpoint.getScheme())) {
            throw new IllegalArgumentException("endpoint must be http(s), got " + endpoint);
        }
        if (endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint has no host: " + endpoint);
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("requestTimeout", requestTimeout);
        requirePositive("baseDelay", baseDelay);
        requirePositive("maxDelay", maxDelay);
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is below baseDelay " + baseDelay);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (maxFieldsPerRequest < 1) {
            throw new IllegalArgumentException("maxFieldsPerRequest must be >= 1, got " + maxFieldsPerRequest);
        }
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("maxRequestBytes must be >= 1024, got " + maxRequestBytes);
        }
    }

    /**
     * Defaults sized for a Lambda publishing a handful of mutations per invocation: short
     * timeouts so a stuck connection is retried well before the function times out.
     */
    public static AppSyncClientConfig defaults(URI endpoint, Region region) {
        return new AppSyncClientConfig(endpoint, region, Duration.ofSeconds(2), Duration.ofSeconds(5), 4,
                Duration.ofMillis(100), Duration.ofSeconds(2), 25, 256 * 1024);
    }

    /** A copy with other retry settings. */
    public AppSyncClientConfig withRetries(int attempts, Duration base, Duration max) {
        return new AppSyncClientConfig(endpoint, region, connectTimeout, requestTimeout, attempts, base, max,
                maxFieldsPerRequest, maxRequestBytes);
    }

    /**
     * A copy whose attempts are bounded only by the caller's remaining time, with exponential
     * backoff from {@code base}, each single backoff capped at {@code max}.
     */
    public AppSyncClientConfig withRetriesUntilDeadline(Duration base, Duration max) {
        return withRetries(UNTIL_DEADLINE, base, max);
    }

    /** Whether attempts are bounded only by the caller's remaining time. */
    public boolean retriesUntilDeadline() {
        return maxAttempts == UNTIL_DEADLINE;
    }

    /** A copy with other timeouts. */
    public AppSyncClientConfig withTimeouts(Duration connect, Duration request) {
        return new AppSyncClientConfig(endpoint, region, connect, request, maxAttempts, baseDelay, maxDelay,
                maxFieldsPerRequest, maxRequestBytes);
    }

    /** A copy with other batch limits. */
    public AppSyncClientConfig withBatchLimits(int fieldsPerRequest, int requestBytes) {
        return new AppSyncClientConfig(endpoint, region, connectTimeout, requestTimeout, maxAttempts, baseDelay,
                maxDelay, fieldsPerRequest, requestBytes);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
