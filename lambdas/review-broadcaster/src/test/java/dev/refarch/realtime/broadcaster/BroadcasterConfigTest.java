package dev.refarch.realtime.broadcaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BroadcasterConfigTest {

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("GRAPHQL_URL", "https://x.appsync-api.us-east-1.amazonaws.com/graphql",
                "AWS_REGION", "us-east-1", "REVIEWS_TABLE", "reviews", "MOVIES_TABLE", "movies"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void intervalDefaultsToHalfASecond() {
        assertEquals(Duration.ofMillis(500), BroadcasterConfig.fromEnv(env()).interval());
        assertEquals(Duration.ofMillis(250), BroadcasterConfig.fromEnv(env("REVIEW_BROADCAST_MILLIS", "250")).interval());
    }

    @Test
    void aBadIntervalNamesItsVariable() {
        for (String bad : new String[] {"-1", "60001", "soon"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BroadcasterConfig.fromEnv(env("REVIEW_BROADCAST_MILLIS", bad)));
            assertTrue(e.getMessage().contains("REVIEW_BROADCAST_MILLIS"), e.getMessage());
        }
    }

    @Test
    void missingEndpointIsNamed() {
        Map<String, String> env = env();
        env.remove("GRAPHQL_URL");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BroadcasterConfig.fromEnv(env)).getMessage()
                .contains("GRAPHQL_URL"));
    }

    @Test
    void missingReviewsTableIsNamedAtAnyShardCount() {
        Map<String, String> env = env("VOTE_SHARDS", "1");
        env.remove("REVIEWS_TABLE");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BroadcasterConfig.fromEnv(env)).getMessage()
                .contains("REVIEWS_TABLE"));
    }

    @Test
    void mutationsPerRequestReachesTheBroadcastersAppSyncClientAndABadOneIsNamed() {
        assertEquals(BroadcasterConfig.DEFAULT_MUTATIONS_PER_REQUEST, ReviewBroadcasterHandler.fromConfig(
                BroadcasterConfig.fromEnv(env())).appSync().config().maxFieldsPerRequest());
        assertEquals(1, ReviewBroadcasterHandler.fromConfig(BroadcasterConfig.fromEnv(env("MUTATIONS_PER_REQUEST", "1")))
                .appSync().config().maxFieldsPerRequest());
        for (String bad : new String[] {"0", "101", "all"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BroadcasterConfig.fromEnv(env("MUTATIONS_PER_REQUEST", bad)));
            assertTrue(e.getMessage().contains("MUTATIONS_PER_REQUEST=" + bad), e.getMessage());
        }
    }
}
