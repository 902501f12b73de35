package dev.refarch.realtime.consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The SnapStart priming runs the batch path without a network and without the function's
 * credentials: its tick must pass the real validator, or priming would stop short of the publish
 * path (and the snapshot would fail).
 */
class PrimingTest {

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger credentialLookups = new AtomicInteger();
    private HttpServer appSync;
    private TickConsumer consumer;

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
        if (consumer != null) {
            consumer.close();
        }
        appSync.stop(0);
    }

    private Priming priming(int maxRecordBytes) {
        AwsCredentialsProvider credentials = () -> {
            credentialLookups.incrementAndGet();
            throw new IllegalStateException("no credentials before the snapshot");
        };
        AppSyncClient client = AppSyncClient.builder(AppSyncClientConfig.defaults(
                        URI.create("http://127.0.0.1:" + appSync.getAddress().getPort() + "/graphql"), Region.EU_WEST_1))
                .credentialsProvider(credentials).build();
        consumer = new TickConsumer(new TickValidator(maxRecordBytes), new AppSyncTickPublisher(client, 25),
                (poison, timeLeft) -> poison, TestConsumers.metrics(), TickRetry.standard(), 1);
        ObjectMapper json = new ObjectMapper();
        return new Priming(json, new MskEventParser(json), new TickValidator(maxRecordBytes), consumer);
    }

    @Test
    void primesParsingValidationAndThePublishRequestWithoutSendingOrCredentials() {
        assertDoesNotThrow(() -> priming(ConsumerConfig.DEFAULT_MAX_RECORD_BYTES).beforeCheckpoint(null));
        assertEquals(0, requests.get(), "requests to AppSync");
        assertEquals(0, credentialLookups.get(), "lookups of the function's credentials");
    }

    @Test
    void aPrimingTickTheValidatorRefusesStopsTheSnapshot() {
        assertThrows(IllegalStateException.class, () -> priming(64).beforeCheckpoint(null));
    }
}
