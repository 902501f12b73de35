package dev.refarch.realtime.broadcaster;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The SnapStart priming runs the broadcast path with no request sent and no credential resolved. */
class PrimingTest {

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger credentialLookups = new AtomicInteger();
    private HttpServer appSync;

    @BeforeEach
    void startAppSync() throws Exception {
        appSync = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        appSync.createContext("/graphql", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
        });
        appSync.start();
    }

    @AfterEach
    void stopAppSync() {
        appSync.stop(0);
    }

    @Test
    void primesTheBroadcastPathWithoutSendingOrCredentials() {
        AwsCredentialsProvider credentials = () -> {
            credentialLookups.incrementAndGet();
            throw new IllegalStateException("no credentials before the snapshot");
        };
        AppSyncClient client = AppSyncClient.builder(AppSyncClientConfig.defaults(
                        URI.create("http://127.0.0.1:" + appSync.getAddress().getPort() + "/graphql"), Region.US_EAST_1))
                .credentialsProvider(credentials).build();
        ReviewBroadcasterHandler handler = new ReviewBroadcasterHandler(new ReviewBroadcaster(client,
                BroadcastPacer.system(Duration.ofMillis(500)), metrics -> { }));

        assertDoesNotThrow(() -> handler.priming().beforeCheckpoint(null));
        assertEquals(0, requests.get(), "requests to AppSync");
        assertEquals(0, credentialLookups.get(), "lookups of the function's credentials");
    }
}
