package dev.refarch.realtime.checks;

import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where the checked system is and who the checks act as. Public calls (votes, chat, queries,
 * subscriptions) go where the page sends them, with the API key; the canary ticks are signed with
 * the caller's IAM credentials and go to {@code iamGraphqlUrl}: on AWS the same endpoint as
 * {@code graphqlUrl}, in the local run its IAM gateway, which checks every signed call against the
 * deployed policies.
 *
 * @param graphqlUrl    the GraphQL endpoint the page calls with the API key
 * @param realtimeUrl   the real-time (WebSocket) endpoint the page subscribes on
 * @param apiKey        the public API key (not a secret: it ships in the page)
 * @param iamGraphqlUrl where IAM-signed requests go
 * @param region        the region requests are signed for
 * @param credentials   the caller's credentials (the CLI's chain, the operator's keys, a function's role)
 */
public record SystemEndpoints(URI graphqlUrl, URI realtimeUrl, String apiKey, URI iamGraphqlUrl, Region region,
        AwsCredentialsProvider credentials) {

    public SystemEndpoints {
        Objects.requireNonNull(graphqlUrl, "graphqlUrl");
        Objects.requireNonNull(realtimeUrl, "realtimeUrl");
        Objects.requireNonNull(iamGraphqlUrl, "iamGraphqlUrl");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentials, "credentials");
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("the API key must not be empty");
        }
    }
}
