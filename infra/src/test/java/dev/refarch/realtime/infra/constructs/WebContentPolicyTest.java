package dev.refarch.realtime.infra.constructs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.checks.PageCheck;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page's CSP as the web stack deploys it (and the local web server serves it) is exactly what
 * {@code system verify}'s page check accepts: the two are one rule, tested together.
 */
class WebContentPolicyTest {

    private static final URI GRAPHQL = URI.create("https://abc.appsync-api.eu-west-1.amazonaws.com/graphql");
    private static final URI REALTIME = URI.create("wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/graphql");

    @Test
    void theDeployedPolicyLetsThePageConnectToExactlyItsApi() {
        String policy = WebContentPolicy.of(GRAPHQL.toString(), REALTIME.toString(), List.of(WebContentPolicy.TMDB_IMAGES));

        assertTrue(PageCheck.connectsToExactly(policy, GRAPHQL, REALTIME), policy);
        // Another API's policy is refused by the check: the pair cannot drift apart unnoticed.
        assertFalse(PageCheck.connectsToExactly(policy, GRAPHQL,
                URI.create("wss://other.appsync-realtime-api.eu-west-1.amazonaws.com/graphql")), policy);
        assertFalse(PageCheck.connectsToExactly(WebContentPolicy.of(GRAPHQL.toString(), REALTIME + " https://x.example",
                List.of()), GRAPHQL, REALTIME));
    }

    @Test
    void thePostersHostsAreImagesOnlyNeverConnections() {
        String policy = WebContentPolicy.of(GRAPHQL.toString(), REALTIME.toString(), List.of(WebContentPolicy.TMDB_IMAGES));

        assertTrue(policy.contains("img-src 'self' " + WebContentPolicy.TMDB_IMAGES), policy);
        assertTrue(PageCheck.connectsToExactly(policy, GRAPHQL, REALTIME), "the image host is not a connect-src");
    }
}
