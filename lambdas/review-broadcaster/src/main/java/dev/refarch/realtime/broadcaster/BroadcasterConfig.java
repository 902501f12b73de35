package dev.refarch.realtime.broadcaster;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.regions.Region;

/**
 * The broadcaster's settings, read once at init from the function's environment.
 *
 * @param graphqlUrl       AppSync GraphQL endpoint ({@code GRAPHQL_URL})
 * @param interval         least time between two broadcasts of the table
 *                         ({@code REVIEW_BROADCAST_MILLIS}, default 500; 0 sends every batch at once)
 * @param region           signing region ({@code AWS_REGION}, set by Lambda)
 * @param metricsNamespace CloudWatch namespace ({@code POWERTOOLS_METRICS_NAMESPACE}, default {@code RealtimeRefarch})
 * @param mutationsPerRequest aliased {@code publishReview} fields per AppSync request ({@code MUTATIONS_PER_REQUEST},
 *                         cdk.json {@code mutationsPerRequest}, 1 to 100, default 25); 1 sends each row alone, unaliased
 * @param reviewsTable     the Reviews table ({@code REVIEWS_TABLE}): every broadcast reads all its reactions' shards
 * @param voteShards       shards per reaction ({@code VOTE_SHARDS}, cdk.json {@code voteShards}, 1 to 1000,
 *                         default 1)
 * @param moviesTable      the Movies table ({@code MOVIES_TABLE}), which holds the broadcast slot
 * @param dynamoDbEndpoint {@code AWS_ENDPOINT_URL_DYNAMODB}, local runs only; null for the service's
 */
public record BroadcasterConfig(URI graphqlUrl, Duration interval, Region region, String metricsNamespace,
                                int mutationsPerRequest, String reviewsTable, int voteShards, String moviesTable,
                                URI dynamoDbEndpoint) {

    static final int MAX_VOTE_SHARDS = 1000;

    static final int DEFAULT_BROADCAST_MILLIS = 500;
    /** A minute: beyond it viewers would see counts stand still; the config record of the app says the same. */
    static final int MAX_BROADCAST_MILLIS = 60_000;
    static final String DEFAULT_METRICS_NAMESPACE = "RealtimeRefarch";
    static final int DEFAULT_MUTATIONS_PER_REQUEST = 25;
    static final int MAX_MUTATIONS_PER_REQUEST = 100;

    /** Validates every value, so a bad setting fails the init phase with a message naming it. */
    public BroadcasterConfig {
        Objects.requireNonNull(graphqlUrl, "GRAPHQL_URL");
        Objects.requireNonNull(region, "AWS_REGION");
        if (interval.isNegative() || interval.toMillis() > MAX_BROADCAST_MILLIS) {
            throw new IllegalArgumentException("REVIEW_BROADCAST_MILLIS=" + interval.toMillis()
                    + " must be between 0 and " + MAX_BROADCAST_MILLIS);
        }
        if (metricsNamespace == null || metricsNamespace.isBlank()) {
            throw new IllegalArgumentException("POWERTOOLS_METRICS_NAMESPACE must not be blank");
        }
        if (mutationsPerRequest < 1 || mutationsPerRequest > MAX_MUTATIONS_PER_REQUEST) {
            throw new IllegalArgumentException("MUTATIONS_PER_REQUEST=" + mutationsPerRequest + " must be between 1 and "
                    + MAX_MUTATIONS_PER_REQUEST);
        }
        if (voteShards < 1 || voteShards > MAX_VOTE_SHARDS) {
            throw new IllegalArgumentException("VOTE_SHARDS=" + voteShards + " must be between 1 and " + MAX_VOTE_SHARDS);
        }
        if (reviewsTable == null || reviewsTable.isBlank()) {
            throw new IllegalArgumentException("REVIEWS_TABLE is required");
        }
        if (moviesTable == null || moviesTable.isBlank()) {
            throw new IllegalArgumentException("MOVIES_TABLE is required (it holds the broadcast slot)");
        }
    }

    /** Reads the configuration from environment variables (pass {@code System.getenv()}). */
    public static BroadcasterConfig fromEnv(Map<String, String> env) {
        String url = env.get("GRAPHQL_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("GRAPHQL_URL is required");
        }
        URI graphqlUrl;
        try {
            graphqlUrl = URI.create(url.strip());
            if (graphqlUrl.getHost() == null || !graphqlUrl.getScheme().matches("https?")) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("GRAPHQL_URL=" + url + " is not an http(s) URL", e);
        }
        String millis = env.get("REVIEW_BROADCAST_MILLIS");
        long interval;
        try {
            interval = millis == null || millis.isBlank() ? DEFAULT_BROADCAST_MILLIS : Long.parseLong(millis.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("REVIEW_BROADCAST_MILLIS=" + millis + " is not an integer", e);
        }
        String region = env.get("AWS_REGION");
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("AWS_REGION is required");
        }
        String namespace = env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "");
        String perRequest = env.get("MUTATIONS_PER_REQUEST");
        int mutationsPerRequest;
        try {
            mutationsPerRequest = perRequest == null || perRequest.isBlank() ? DEFAULT_MUTATIONS_PER_REQUEST
                    : Integer.parseInt(perRequest.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("MUTATIONS_PER_REQUEST=" + perRequest + " is not an integer", e);
        }
        String shards = env.get("VOTE_SHARDS");
        int voteShards;
        try {
            voteShards = shards == null || shards.isBlank() ? 1 : Integer.parseInt(shards.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("VOTE_SHARDS=" + shards + " is not an integer", e);
        }
        String endpoint = env.get("AWS_ENDPOINT_URL_DYNAMODB");
        return new BroadcasterConfig(graphqlUrl, Duration.ofMillis(interval), Region.of(region),
                namespace.isBlank() ? DEFAULT_METRICS_NAMESPACE : namespace.strip(), mutationsPerRequest,
                env.get("REVIEWS_TABLE"), voteShards, env.get("MOVIES_TABLE"),
                endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint.strip()));
    }
}
