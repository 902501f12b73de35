package dev.refarch.realtime.broadcaster;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The SnapStart priming runs the broadcast path without a network (the AppSync client's priming
 * sends nothing, its own test says), through the handler's own parser and client.
 */
class PrimingTest {

    @Test
    void primesTheBroadcastPath() {
        // Nothing listens there; priming must not need it.
        AppSyncClient client = AppSyncClient.builder(AppSyncClientConfig.defaults(
                        URI.create("http://127.0.0.1:9/graphql"), Region.US_EAST_1))
                .credentialsProvider(AnonymousCredentialsProvider.create()).build();
        ReviewBroadcasterHandler handler = new ReviewBroadcasterHandler(new ReviewBroadcaster(client,
                BroadcastPacer.system(Duration.ofMillis(500)), metrics -> { },
                new ReviewShards(software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                        .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create())
                        .endpointOverride(URI.create("http://127.0.0.1:9")).build(), "reviews", 1)));
        assertDoesNotThrow(() -> handler.priming().beforeCheckpoint(null));
    }
}
