package dev.refarch.realtime.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The checks' real-time client against a WebSocket stand-in: the protocol as the page speaks it, and each refusal. */
class RealtimeConnectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI GRAPHQL = URI.create("https://api.example:8443/graphql");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void connectsAndSubscribesAsThePageDoes() throws Exception {
        try (RealtimeStandIn standIn = new RealtimeStandIn(101, RealtimeStandIn::acknowledging);
             RealtimeConnection connection = RealtimeConnection.open(standIn.url(), GRAPHQL, "da2-key", TIMEOUT)) {
            connection.subscribe("onTick(ZZVERIFY)", VerifierOperations.ON_TICK, Map.of("symbol", "ZZVERIFY"));

            RealtimeStandIn.Connection seen = standIn.connections().get(0);
            assertEquals("graphql-ws", seen.subprotocol);
            assertEquals(JSON.readTree("{\"host\":\"api.example:8443\",\"x-api-key\":\"da2-key\"}"), seen.header());
            assertEquals("e30=", seen.query.get("payload"));
            assertEquals("connection_init", seen.received.get(0).path("type").asText());
            JsonNode start = seen.received.get(1);
            assertEquals("start", start.path("type").asText());
            JsonNode data = JSON.readTree(start.at("/payload/data").asText());
            assertEquals(VerifierOperations.ON_TICK, data.path("query").asText());
            assertEquals("ZZVERIFY", data.at("/variables/symbol").asText());
            assertEquals(seen.header(), start.at("/payload/extensions/authorization"));
        }
    }

    @Test
    void eachEventReachesItsOwnSubscriptionAndKeepAlivesAreIgnored() throws Exception {
        try (RealtimeStandIn standIn = new RealtimeStandIn(101, RealtimeStandIn::acknowledging);
             RealtimeConnection connection = RealtimeConnection.open(standIn.url(), GRAPHQL, "da2-key", TIMEOUT)) {
            RealtimeSubscription movies = connection.subscribe("onCurrentMovie", VerifierOperations.ON_CURRENT_MOVIE, Map.of());
            RealtimeSubscription messages = connection.subscribe("onMessage", VerifierOperations.ON_MESSAGE, Map.of());
            RealtimeStandIn.Connection server = standIn.connections().get(0);
            String messagesId = server.received.get(2).path("id").asText();
            server.send("{\"type\":\"ka\"}");
            server.send("{\"type\":\"data\",\"id\":\"" + messagesId + "\",\"payload\":{\"data\":{\"onMessage\":"
                    + "{\"id\":\"m1\",\"author\":\"ada\",\"text\":\"hi\",\"sentAt\":\"2026-01-01T00:00:00Z\"}}}}");

            RealtimeEvent event = messages.awaitFirst(0, m -> true, TIMEOUT);
            assertNotNull(event);
            assertEquals("hi", event.value().path("text").asText());
            assertEquals(0, movies.since(0).size());
        }
    }

    @Test
    void aKeyRefusedAtConnectionInitIsReportedAsTheKey() throws Exception {
        try (RealtimeStandIn standIn = new RealtimeStandIn(101, (message, connection) -> List.of(
                "{\"type\":\"connection_error\",\"payload\":{\"errors\":[{\"errorType\":\"UnauthorizedException\","
                        + "\"message\":\"You are not authorized to make this call.\"}]}}"))) {
            RealtimeException refused = assertThrows(RealtimeException.class,
                    () -> RealtimeConnection.open(standIn.url(), GRAPHQL, "da2-wrong", TIMEOUT));
            assertTrue(refused.unauthorized(), refused.getMessage());
            assertEquals("UnauthorizedException", refused.errorType());
        }
    }

    @Test
    void aKeyRefusedAtTheUpgradeIsReportedAsTheKey() throws Exception {
        try (RealtimeStandIn standIn = new RealtimeStandIn(401, RealtimeStandIn::acknowledging)) {
            RealtimeException refused = assertThrows(RealtimeException.class,
                    () -> RealtimeConnection.open(standIn.url(), GRAPHQL, "da2-wrong", TIMEOUT));
            assertTrue(refused.unauthorized(), refused.getMessage());
            assertEquals(401, refused.httpStatus());
        }
    }

    @Test
    void aSubscriptionRefusedIsReportedWithTheServersErrorType() throws Exception {
        try (RealtimeStandIn standIn = new RealtimeStandIn(101, (message, connection) ->
                message.path("type").asText().equals("start")
                        ? List.of("{\"type\":\"error\",\"id\":\"" + message.path("id").asText() + "\",\"payload\":"
                                + "{\"errors\":[{\"errorType\":\"UnauthorizedException\",\"message\":\"no\"}]}}")
                        : RealtimeStandIn.acknowledging(message, connection));
             RealtimeConnection connection = RealtimeConnection.open(standIn.url(), GRAPHQL, "da2-wrong", TIMEOUT)) {
            RealtimeException refused = assertThrows(RealtimeException.class,
                    () -> connection.subscribe("onReviews", VerifierOperations.ON_REVIEWS, Map.of()));
            assertTrue(refused.unauthorized(), refused.getMessage());
            assertTrue(refused.getMessage().startsWith("onReviews was refused"), refused.getMessage());
        }
    }

    @Test
    void noAcknowledgementIsReportedAfterTheTimeout() throws Exception {
        try (RealtimeStandIn standIn = new RealtimeStandIn(101, (message, connection) -> List.of())) {
            RealtimeException silent = assertThrows(RealtimeException.class,
                    () -> RealtimeConnection.open(standIn.url(), GRAPHQL, "da2-key", Duration.ofSeconds(2)));
            assertEquals(RealtimeException.Kind.NO_ANSWER, silent.kind(), silent.getMessage());
            assertEquals("no connection_ack within PT2S", silent.getMessage());
        }
    }

    @Test
    void anEndpointNobodyListensOnIsUnreachable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        RealtimeException unreachable = assertThrows(RealtimeException.class, () -> RealtimeConnection.open(
                URI.create("ws://127.0.0.1:" + port + "/graphql/realtime"), GRAPHQL, "da2-key", TIMEOUT));
        assertEquals(RealtimeException.Kind.UNREACHABLE, unreachable.kind());
    }

    @Test
    void theHandshakeCheckPassesWithFourAcknowledgedSubscriptions() throws Exception {
        try (RealtimeStandIn standIn = new RealtimeStandIn(101, RealtimeStandIn::acknowledging)) {
            HandshakeCheck.Outcome outcome = HandshakeCheck.run(endpoints(standIn.url()), settings());
            try (Viewer viewer = outcome.viewer()) {
                assertEquals(CheckResult.Status.PASS, outcome.result().status(), outcome.result().toString());
                assertEquals("onTick(ZZVERIFY)", viewer.ticks().name());
                assertEquals(5, standIn.connections().get(0).received.size(), "connection_init and four starts");
            }
        }
    }

    @Test
    void theHandshakeCheckNamesAWrongKeyAsTheLikelyCause() throws Exception {
        try (RealtimeStandIn standIn = new RealtimeStandIn(101, (message, connection) -> List.of(
                "{\"type\":\"connection_error\",\"payload\":{\"errors\":[{\"errorType\":\"UnauthorizedException\","
                        + "\"message\":\"You are not authorized to make this call.\"}]}}"))) {
            HandshakeCheck.Outcome outcome = HandshakeCheck.run(endpoints(standIn.url()), settings());
            assertNull(outcome.viewer());
            CheckResult result = outcome.result();
            assertEquals(CheckResult.Status.FAIL, result.status());
            assertTrue(result.actual().contains("UnauthorizedException"), result.actual());
            assertTrue(result.likelyCause().startsWith("the API key was refused"), result.likelyCause());
        }
    }

    private static SystemEndpoints endpoints(URI realtime) {
        return new SystemEndpoints(GRAPHQL, realtime, "da2-key", GRAPHQL, Region.US_EAST_1,
                AnonymousCredentialsProvider.create());
    }

    private static CheckSettings settings() {
        return CheckSettings.of(Duration.ofSeconds(10), Duration.ofMillis(500));
    }
}
