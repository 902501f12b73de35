package dev.refarch.realtime.rotator;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The rotator's configuration, read once at init from the environment the CDK stack sets.
 *
 * @param reviewsTable           {@code REVIEWS_TABLE}
 * @param moviesTable            {@code MOVIES_TABLE}
 * @param graphqlUrl             {@code GRAPHQL_URL}, the AppSync GraphQL endpoint
 * @param tmdbSecretArn          {@code TMDB_SECRET_ARN}, a secret whose value is {@code {"tmdbApiKey":"..."}}
 * @param tmdbBaseUrl            {@code TMDB_BASE_URL}, default {@value #DEFAULT_TMDB_BASE_URL}
 * @param tmdbImageBaseUrl       {@code TMDB_IMAGE_BASE_URL}, default {@value #DEFAULT_TMDB_IMAGE_BASE_URL}
 * @param region                 {@code AWS_REGION}
 * @param dynamoDbEndpoint       {@code AWS_ENDPOINT_URL_DYNAMODB}, only for local runs
 * @param secretsManagerEndpoint {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, only for local runs
 * @param metricsNamespace       {@code POWERTOOLS_METRICS_NAMESPACE}, default {@value #DEFAULT_METRICS_NAMESPACE}
 * @param catalogPosterBaseUrl   {@code CATALOG_POSTER_BASE_URL}, where the shipped catalog's posters are
 *                               published (the Web stack's {@code https://<domain>/posters}); none: no posters
 * @param mutationsPerRequest    {@code MUTATIONS_PER_REQUEST} (cdk.json {@code mutationsPerRequest}), 1 to
 *                               {@value #MAX_MUTATIONS_PER_REQUEST}, default {@value #DEFAULT_MUTATIONS_PER_REQUEST}:
 *                               the rotator sends one mutation per request either way; at 1 it is not aliased
 * @param voteShards             {@code VOTE_SHARDS} (cdk.json {@code voteShards}), 1 to {@value #MAX_VOTE_SHARDS},
 *                               default 1: the shards of each reaction's count the rotator moves
 */
public record RotatorConfig(
        String reviewsTable,
        String moviesTable,
        URI graphqlUrl,
        String tmdbSecretArn,
        URI tmdbBaseUrl,
        String tmdbImageBaseUrl,
        String region,
        Optional<URI> dynamoDbEndpoint,
        Optional<URI> secretsManagerEndpoint,
        String metricsNamespace,
        Optional<String> catalogPosterBaseUrl,
        int mutationsPerRequest,
        int voteShards) {

    public static final String DEFAULT_METRICS_NAMESPACE = "RealtimeRefarch";
    public static final int DEFAULT_MUTATIONS_PER_REQUEST = 25;
    public static final int MAX_MUTATIONS_PER_REQUEST = 100;
    public static final int MAX_VOTE_SHARDS = 1000;
    public static final String DEFAULT_TMDB_BASE_URL = "https://api.themoviedb.org/3";
    public static final String DEFAULT_TMDB_IMAGE_BASE_URL = "https://image.tmdb.org/t/p/w500";

    /** Rejects missing or malformed values so a bad deployment fails at init, naming the variable. */
    public RotatorConfig {
        require("REVIEWS_TABLE", reviewsTable);
        require("MOVIES_TABLE", moviesTable);
        require("TMDB_SECRET_ARN", tmdbSecretArn);
        require("TMDB_IMAGE_BASE_URL", tmdbImageBaseUrl);
        require("AWS_REGION", region);
        require("POWERTOOLS_METRICS_NAMESPACE", metricsNamespace);
        requireHttp("GRAPHQL_URL", graphqlUrl);
        requireHttp("TMDB_BASE_URL", tmdbBaseUrl);
        dynamoDbEndpoint.ifPresent(u -> requireHttp("AWS_ENDPOINT_URL_DYNAMODB", u));
        secretsManagerEndpoint.ifPresent(u -> requireHttp("AWS_ENDPOINT_URL_SECRETS_MANAGER", u));
        catalogPosterBaseUrl.ifPresent(u -> requireHttp("CATALOG_POSTER_BASE_URL", uri("CATALOG_POSTER_BASE_URL", u)));
        if (mutationsPerRequest < 1 || mutationsPerRequest > MAX_MUTATIONS_PER_REQUEST) {
            throw new IllegalArgumentException("MUTATIONS_PER_REQUEST=" + mutationsPerRequest + " must be between 1 and "
                    + MAX_MUTATIONS_PER_REQUEST);
        }
        if (voteShards < 1 || voteShards > MAX_VOTE_SHARDS) {
            throw new IllegalArgumentException("VOTE_SHARDS=" + voteShards + " must be between 1 and " + MAX_VOTE_SHARDS);
        }
    }

    /** As the canonical constructor with one vote shard (the one-row layout). */
    public RotatorConfig(String reviewsTable, String moviesTable, URI graphqlUrl, String tmdbSecretArn,
            URI tmdbBaseUrl, String tmdbImageBaseUrl, String region, Optional<URI> dynamoDbEndpoint,
            Optional<URI> secretsManagerEndpoint, String metricsNamespace, Optional<String> catalogPosterBaseUrl,
            int mutationsPerRequest) {
        this(reviewsTable, moviesTable, graphqlUrl, tmdbSecretArn, tmdbBaseUrl, tmdbImageBaseUrl, region,
                dynamoDbEndpoint, secretsManagerEndpoint, metricsNamespace, catalogPosterBaseUrl, mutationsPerRequest, 1);
    }

    /** The same configuration with {@code voteShards} shards per reaction. */
    public RotatorConfig withVoteShards(int shards) {
        return new RotatorConfig(reviewsTable, moviesTable, graphqlUrl, tmdbSecretArn, tmdbBaseUrl, tmdbImageBaseUrl,
                region, dynamoDbEndpoint, secretsManagerEndpoint, metricsNamespace, catalogPosterBaseUrl,
                mutationsPerRequest, shards);
    }

    /** Reads the configuration from environment variables. */
    public static RotatorConfig fromEnvironment(Map<String, String> env) {
        return new RotatorConfig(
                env.get("REVIEWS_TABLE"),
                env.get("MOVIES_TABLE"),
                uri("GRAPHQL_URL", env.get("GRAPHQL_URL")),
                env.get("TMDB_SECRET_ARN"),
                uri("TMDB_BASE_URL", orDefault(env.get("TMDB_BASE_URL"), DEFAULT_TMDB_BASE_URL)),
                orDefault(env.get("TMDB_IMAGE_BASE_URL"), DEFAULT_TMDB_IMAGE_BASE_URL),
                env.get("AWS_REGION"),
                optionalUri("AWS_ENDPOINT_URL_DYNAMODB", env.get("AWS_ENDPOINT_URL_DYNAMODB")),
                optionalUri("AWS_ENDPOINT_URL_SECRETS_MANAGER", env.get("AWS_ENDPOINT_URL_SECRETS_MANAGER")),
                orDefault(env.get("POWERTOOLS_METRICS_NAMESPACE"), DEFAULT_METRICS_NAMESPACE),
                Optional.ofNullable(env.get("CATALOG_POSTER_BASE_URL")).filter(v -> !v.isBlank()).map(String::strip),
                integer("MUTATIONS_PER_REQUEST", env.get("MUTATIONS_PER_REQUEST"), DEFAULT_MUTATIONS_PER_REQUEST),
                integer("VOTE_SHARDS", env.get("VOTE_SHARDS"), 1));
    }

    private static int integer(String name, String value, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not an integer", e);
        }
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static Optional<URI> optionalUri(String name, String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(uri(name, value));
    }

    private static URI uri(String name, String value) {
        require(name, value);
        try {
            return URI.create(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a URL: " + value, e);
        }
    }

    private static void require(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + name + " is missing or empty");
        }
    }

    private static void requireHttp(String name, URI value) {
        if (value == null || value.getHost() == null
                || !("https".equals(value.getScheme()) || "http".equals(value.getScheme()))) {
            throw new IllegalArgumentException(name + " must be an http(s) URL, got " + value);
        }
    }
}
