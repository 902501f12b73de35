package dev.refarch.realtime.canary;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.regions.Region;

/**
 * The canary's configuration, read once from the environment the observability stack sets
 * ({@code Functions.canaryEnvironment}); every missing or bad value is reported with its name.
 *
 * @param graphqlUrl       the API's GraphQL endpoint ({@code GRAPHQL_URL}), called with the API key as the page does
 * @param realtimeUrl      its real-time endpoint ({@code REALTIME_URL}, {@code wss://} deployed)
 * @param apiKey           the public API key ({@code API_KEY}; not a secret: the page ships it)
 * @param iamGraphqlUrl    where the IAM-signed canary ticks go ({@code IAM_GRAPHQL_URL}): unset when deployed,
 *                         so {@code graphqlUrl}; the local run's IAM gateway locally
 * @param aliased          whether the backend publishers send aliased batches ({@code MUTATIONS_PER_REQUEST}
 *                         above 1), so which form of tick batch the canary sends
 * @param region           {@code AWS_REGION}, for signing
 * @param metricsNamespace {@code POWERTOOLS_METRICS_NAMESPACE}, default {@value #DEFAULT_METRICS_NAMESPACE}
 */
public record CanaryConfig(URI graphqlUrl, URI realtimeUrl, String apiKey, URI iamGraphqlUrl, boolean aliased,
        Region region, String metricsNamespace) {

    public static final String DEFAULT_METRICS_NAMESPACE = "RealtimeRefarch";

    /** Reads the configuration; throws naming every variable that is missing or malformed. */
    public static CanaryConfig fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        URI graphql = url(env, "GRAPHQL_URL", List.of("http", "https"), problems);
        URI realtime = url(env, "REALTIME_URL", List.of("ws", "wss"), problems);
        String apiKey = env.getOrDefault("API_KEY", "").strip();
        if (apiKey.isEmpty()) {
            problems.add("API_KEY is required (the API stack's public key)");
        }
        URI iam = env.getOrDefault("IAM_GRAPHQL_URL", "").isBlank() ? graphql
                : url(env, "IAM_GRAPHQL_URL", List.of("http", "https"), problems);
        String perRequest = env.getOrDefault("MUTATIONS_PER_REQUEST", "").strip();
        int mutationsPerRequest = 0;
        try {
            mutationsPerRequest = Integer.parseInt(perRequest);
            if (mutationsPerRequest < 1) {
                problems.add("MUTATIONS_PER_REQUEST=" + perRequest + " must be at least 1");
            }
        } catch (NumberFormatException e) {
            problems.add("MUTATIONS_PER_REQUEST=" + perRequest + " is not a whole number (mutationsPerRequest)");
        }
        String region = env.getOrDefault("AWS_REGION", "").strip();
        if (region.isEmpty()) {
            problems.add("AWS_REGION is required");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the canary's environment is not valid: " + String.join("; ", problems));
        }
        String namespace = env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "").strip();
        return new CanaryConfig(graphql, realtime, apiKey, iam, mutationsPerRequest > 1, Region.of(region),
                namespace.isEmpty() ? DEFAULT_METRICS_NAMESPACE : namespace);
    }

    private static URI url(Map<String, String> env, String name, List<String> schemes, List<String> problems) {
        String value = env.getOrDefault(name, "").strip();
        if (value.isEmpty()) {
            problems.add(name + " is required");
            return null;
        }
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || !schemes.contains(uri.getScheme()) || uri.getHost() == null) {
                problems.add(name + "=" + value + " is not a " + String.join("/", schemes) + " URL");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            problems.add(name + "=" + value + " is not a URL: " + e.getMessage());
            return null;
        }
    }
}
