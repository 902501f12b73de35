package dev.refarch.realtime.consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The SnapStart priming runs the batch path without a network (the AppSync client's priming sends
 * nothing, its own test says): its tick must pass the real validator, or priming would stop short
 * of the publish path (and the snapshot would fail).
 */
class PrimingTest {

    private TickConsumer consumer;

    @AfterEach
    void close() {
        consumer.close();
    }

    private Priming priming(int maxRecordBytes) {
        // Nothing listens there; priming must not need it.
        AppSyncClient client = AppSyncClient.builder(AppSyncClientConfig.defaults(
                        URI.create("http://127.0.0.1:9/graphql"), Region.EU_WEST_1))
                .credentialsProvider(AnonymousCredentialsProvider.create()).build();
        consumer = new TickConsumer(new TickValidator(maxRecordBytes), new AppSyncTickPublisher(client, 25),
                (poison, timeLeft) -> poison, TestConsumers.metrics(), TickRetry.standard(), 1);
        ObjectMapper json = new ObjectMapper();
        return new Priming(json, new MskEventParser(json), consumer);
    }

    @Test
    void primesParsingValidationAndThePublishRequest() {
        assertDoesNotThrow(() -> priming(ConsumerConfig.DEFAULT_MAX_RECORD_BYTES).beforeCheckpoint(null));
    }

    @Test
    void aPrimingTickTheValidatorRefusesStopsTheSnapshot() {
        assertThrows(IllegalStateException.class, () -> priming(64).beforeCheckpoint(null));
    }
}
