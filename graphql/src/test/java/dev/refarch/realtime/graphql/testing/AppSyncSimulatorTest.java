package dev.refarch.realtime.graphql.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The harness itself: loopback only, survives bad real-time frames, stops cleanly. */
class AppSyncSimulatorTest {

    private static LocalApi api;

    @BeforeAll
    static void start() {
        api = LocalApi.start();
    }

    @AfterAll
    static void stop() {
        api.close();
        assertFalse(api.simulator().isAlive(), "simulator process still running after close()");
    }

    @Test
    void servesOnLoopbackOnly() throws Exception {
        assertEquals("127.0.0.1", api.simulator().graphqlUrl().getHost());
        assertEquals("127.0.0.1", api.simulator().realtimeUrl().getHost());
        String lanAddress = InetAddress.getLocalHost().getHostAddress();
        if (!lanAddress.startsWith("127.")) {
            assertThrows(IOException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(lanAddress, api.simulator().graphqlUrl().getPort()), 1000);
                }
            });
        }
    }

    @Test
    void aWrongApiKeyIsUnauthorized() {
        GraphqlClient.Response response = GraphqlClient.withApiKey(api.simulator().graphqlUrl(), "da2-wrong")
                .execute(Operations.REVIEWS);
        assertEquals(401, response.status());
        assertEquals("UnauthorizedException", response.errorTypes().get(0));
    }

    /**
     * AppSync answers connection_init on a connection with a refused key with connection_error
     * UnauthorizedException (errorCode 401); the simulator closed it with 1002, saying nothing.
     */
    @Test
    void aWrongApiKeyOnTheRealtimeEndpointIsAnsweredConnectionErrorAsAppSyncDoes() {
        Map<String, String> wrongKey = new java.util.LinkedHashMap<>(
                GraphqlClient.withApiKey(api.simulator().graphqlUrl(), "da2-wrong").authHeaders());
        AssertionError refused = assertThrows(AssertionError.class,
                () -> RealtimeSubscriber.connect(api.simulator().realtimeUrl(), wrongKey));
        assertTrue(refused.getMessage().contains("\"type\":\"connection_error\"")
                && refused.getMessage().contains("\"errorType\":\"UnauthorizedException\"")
                && refused.getMessage().contains("\"errorCode\":401"), refused.getMessage());
        assertTrue(api.simulator().isAlive());
    }

    @Test
    void malformedRealtimeMessagesAreAnsweredWithErrorsAndTheSimulatorKeepsServing() {
        try (RealtimeSubscriber subscriber = api.apiKeySubscriber()) {
            subscriber.sendRaw("this is not json");
            assertEquals("error", subscriber.awaitNext(Duration.ofSeconds(5)).path("type").asText());
            subscriber.sendRaw("{\"id\":\"x1\",\"type\":\"start\",\"payload\":{\"data\":\"{\\\"query\\\":\\\"subscription {\\\"}\","
                    + "\"extensions\":{\"authorization\":{\"x-api-key\":\"" + api.simulator().apiKey() + "\"}}}}");
            JsonNode error = subscriber.awaitNext(Duration.ofSeconds(5));
            assertEquals("error", error.path("type").asText(), error.toString());
            subscriber.sendRaw("{\"id\":\"x2\",\"type\":\"start\",\"payload\":{\"data\":\"{\\\"query\\\":\\\"subscription { onMessage { id } }\\\"}\","
                    + "\"extensions\":{\"authorization\":{\"x-api-key\":\"da2-wrong\"}}}}");
            JsonNode unauthorized = subscriber.awaitNext(Duration.ofSeconds(5));
            assertEquals("error", unauthorized.path("type").asText(), unauthorized.toString());
        }
        assertTrue(api.simulator().isAlive(), "the simulator died on a bad real-time message");
        api.apiKeyClient().execute(Operations.REVIEWS).assertSucceeded();
        try (RealtimeSubscriber subscriber = api.apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_MESSAGE);
            api.apiKeyClient().execute(Operations.SEND_MESSAGE, Map.of("author", "a", "text", "still here"))
                    .assertSucceeded();
            assertEquals("still here",
                    subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onMessage/text").asText());
        }
    }
}
