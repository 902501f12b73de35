package dev.refarch.realtime.canary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanaryConfigTest {

    private static Map<String, String> deployed() {
        Map<String, String> env = new HashMap<>();
        env.put("GRAPHQL_URL", "https://abc.appsync-api.eu-west-1.amazonaws.com/graphql");
        env.put("REALTIME_URL", "wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/graphql");
        env.put("API_KEY", "da2-public");
        env.put("MUTATIONS_PER_REQUEST", "25");
        env.put("AWS_REGION", "eu-west-1");
        return env;
    }

    @Test
    void readsTheDeployedEnvironmentAndSignsTicksForTheSameEndpoint() {
        CanaryConfig config = CanaryConfig.fromEnvironment(deployed());
        assertEquals(URI.create("https://abc.appsync-api.eu-west-1.amazonaws.com/graphql"), config.iamGraphqlUrl());
        assertTrue(config.aliased());
        assertEquals("RealtimeRefarch", config.metricsNamespace());
        assertEquals("eu-west-1", config.region().id());
    }

    @Test
    void oneMutationPerRequestMeansUnaliasedBatchesAndTheLocalGatewayIsUsedWhenSet() {
        Map<String, String> env = deployed();
        env.put("MUTATIONS_PER_REQUEST", "1");
        env.put("IAM_GRAPHQL_URL", "http://127.0.0.1:4580/graphql");
        env.put("POWERTOOLS_METRICS_NAMESPACE", "Elsewhere");
        CanaryConfig config = CanaryConfig.fromEnvironment(env);
        assertFalse(config.aliased());
        assertEquals(URI.create("http://127.0.0.1:4580/graphql"), config.iamGraphqlUrl());
        assertEquals("Elsewhere", config.metricsNamespace());
    }

    @Test
    void everyMissingOrMalformedVariableIsNamedInOneError() {
        Map<String, String> env = deployed();
        env.remove("API_KEY");
        env.put("REALTIME_URL", "https://not-a-websocket.example/graphql");
        env.put("MUTATIONS_PER_REQUEST", "many");
        env.remove("AWS_REGION");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CanaryConfig.fromEnvironment(env));
        assertTrue(e.getMessage().contains("API_KEY is required"), e.getMessage());
        assertTrue(e.getMessage().contains("REALTIME_URL=https://not-a-websocket.example/graphql is not a ws/wss URL"),
                e.getMessage());
        assertTrue(e.getMessage().contains("MUTATIONS_PER_REQUEST=many is not a whole number"), e.getMessage());
        assertTrue(e.getMessage().contains("AWS_REGION is required"), e.getMessage());
    }

    @Test
    void zeroMutationsPerRequestIsRefused() {
        Map<String, String> env = deployed();
        env.put("MUTATIONS_PER_REQUEST", "0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CanaryConfig.fromEnvironment(env));
        assertTrue(e.getMessage().contains("MUTATIONS_PER_REQUEST=0 must be at least 1"), e.getMessage());
    }
}
