package dev.refarch.realtime.rotator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The environment the CDK stack sets, read into the typed configuration. */
class RotatorConfigTest {

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("REVIEWS_TABLE", "reviews-t");
        env.put("MOVIES_TABLE", "movies-t");
        env.put("GRAPHQL_URL", "https://abc.appsync-api.eu-west-1.amazonaws.com/graphql");
        env.put("TMDB_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:tmdb");
        env.put("AWS_REGION", "eu-west-1");
        return env;
    }

    @Test
    void readsTheVariablesWithDefaults() {
        RotatorConfig config = RotatorConfig.fromEnvironment(env());
        assertEquals("reviews-t", config.reviewsTable());
        assertEquals("movies-t", config.moviesTable());
        assertEquals(URI.create("https://api.themoviedb.org/3"), config.tmdbBaseUrl());
        assertEquals("https://image.tmdb.org/t/p/w500", config.tmdbImageBaseUrl());
        assertEquals(Optional.empty(), config.dynamoDbEndpoint());
        assertEquals("RealtimeRefarch", config.metricsNamespace());
    }

    @Test
    void honoursOverridesAndLocalEndpoints() {
        Map<String, String> env = env();
        env.put("TMDB_BASE_URL", "http://127.0.0.1:9/3");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000");
        env.put("POWERTOOLS_METRICS_NAMESPACE", "Refarch/prod");
        RotatorConfig config = RotatorConfig.fromEnvironment(env);
        assertEquals("Refarch/prod", config.metricsNamespace());
        assertEquals(URI.create("http://127.0.0.1:9/3"), config.tmdbBaseUrl());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:8000")), config.dynamoDbEndpoint());
    }

    @Test
    void missingVariableIsNamed() {
        Map<String, String> env = env();
        env.remove("TMDB_SECRET_ARN");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RotatorConfig.fromEnvironment(env));
        assertTrue(e.getMessage().contains("TMDB_SECRET_ARN"), e.getMessage());
    }

    @Test
    void nonHttpGraphqlUrlIsRejected() {
        Map<String, String> env = env();
        env.put("GRAPHQL_URL", "ftp://x/graphql");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RotatorConfig.fromEnvironment(env));
        assertTrue(e.getMessage().contains("GRAPHQL_URL"), e.getMessage());
    }

    @Test
    void catalogPosterBaseUrlIsOptionalAndMustBeHttp() {
        assertEquals(Optional.empty(), RotatorConfig.fromEnvironment(env()).catalogPosterBaseUrl());
        Map<String, String> env = env();
        env.put("CATALOG_POSTER_BASE_URL", "https://d111111abcdef8.cloudfront.net/posters");
        assertEquals(Optional.of("https://d111111abcdef8.cloudfront.net/posters"),
                RotatorConfig.fromEnvironment(env).catalogPosterBaseUrl());
        env.put("CATALOG_POSTER_BASE_URL", "s3://bucket/posters");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RotatorConfig.fromEnvironment(env));
        assertTrue(e.getMessage().contains("CATALOG_POSTER_BASE_URL"), e.getMessage());
    }

    @Test
    void mutationsPerRequestDefaultsToTodaysBatchingAndRejectsWhatAppSyncWouldNot() {
        assertEquals(RotatorConfig.DEFAULT_MUTATIONS_PER_REQUEST, RotatorConfig.fromEnvironment(env()).mutationsPerRequest());
        Map<String, String> env = env();
        env.put("MUTATIONS_PER_REQUEST", "1");
        assertEquals(1, RotatorConfig.fromEnvironment(env).mutationsPerRequest());
        for (String bad : List.of("0", "101", "many")) {
            env.put("MUTATIONS_PER_REQUEST", bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RotatorConfig.fromEnvironment(env));
            assertTrue(e.getMessage().contains("MUTATIONS_PER_REQUEST=" + bad), e.getMessage());
        }
    }
}
