package dev.refarch.realtime.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The chat check against a GraphQL stand-in (JDK HTTP server) and a real-time stand-in: it passes
 * when the message reaches both connections and the invalid one is refused, and fails for each of its
 * reasons with the line that names it.
 */
class ChatCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Short waits: what must arrive arrives in milliseconds here. */
    private static final CheckSettings SETTINGS = new CheckSettings(CheckSettings.VERIFY_SYMBOL,
            CheckSettings.VERIFY_AUTHOR, Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(3),
            Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(500), 5, Duration.ofSeconds(5));

    /** How the GraphQL stand-in treats a message: broadcast it or not, refuse it as InvalidMessage or not. */
    private record Behaviour(boolean broadcastValid, boolean broadcastInvalid, boolean refuseInvalid) {
    }

    private RealtimeStandIn realtime;
    private HttpServer graphql;
    private volatile Behaviour behaviour;
    private final AtomicInteger ids = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        realtime = new RealtimeStandIn(101, RealtimeStandIn::acknowledging);
        graphql = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        graphql.createContext("/graphql", exchange -> {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            JsonNode variables = request.path("variables");
            String text = variables.path("text").asText();
            boolean invalid = text.chars().anyMatch(Character::isISOControl);
            ObjectNode answer = JSON.createObjectNode();
            if (invalid && behaviour.refuseInvalid()) {
                answer.putNull("data");
                answer.putArray("errors").addObject().put("errorType", "InvalidMessage").put("message", "no");
            } else {
                ObjectNode message = answer.putObject("data").putObject("sendMessage");
                message.put("id", "m-" + ids.incrementAndGet()).put("author", variables.path("author").asText())
                        .put("text", text).put("sentAt", "2026-12-07T02:00:00Z");
                if (invalid ? behaviour.broadcastInvalid() : behaviour.broadcastValid()) {
                    broadcast(message);
                }
            }
            byte[] body = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        graphql.start();
    }

    @AfterEach
    void stop() throws IOException {
        graphql.stop(0);
        realtime.close();
    }

    /** Sends the message as data to every onMessage subscription of every connection, as AppSync fans it out. */
    private void broadcast(JsonNode message) {
        for (RealtimeStandIn.Connection connection : realtime.connections()) {
            for (JsonNode received : connection.received.toArray(JsonNode[]::new)) {
                if (received.path("type").asText().equals("start")
                        && received.at("/payload/data").asText().contains("onMessage")) {
                    connection.send("{\"type\":\"data\",\"id\":\"" + received.path("id").asText()
                            + "\",\"payload\":{\"data\":{\"onMessage\":" + message + "}}}");
                }
            }
        }
    }

    private CheckResult check(Behaviour how) {
        behaviour = how;
        URI graphqlUrl = URI.create("http://127.0.0.1:" + graphql.getAddress().getPort() + "/graphql");
        SystemEndpoints endpoints = new SystemEndpoints(graphqlUrl, realtime.url(), "da2-key", graphqlUrl,
                Region.EU_WEST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIACHECK", "secret")));
        RealtimeConnection connection = RealtimeConnection.open(realtime.url(), graphqlUrl, "da2-key",
                Duration.ofSeconds(5));
        try (Viewer viewer = new Viewer(connection, null, null,
                connection.subscribe("onMessage", VerifierOperations.ON_MESSAGE, Map.of()), null, System.nanoTime())) {
            return new ChatCheck(endpoints, new ApiKeyGraphqlClient(graphqlUrl, "da2-key"), SETTINGS, viewer).run();
        }
    }

    @Test
    void aMessageOnBothConnectionsAndTheInvalidOneRefusedPasses() {
        CheckResult result = check(new Behaviour(true, false, true));

        assertEquals(CheckResult.Status.PASS, result.status(), result.toString());
        assertTrue(result.detail().contains("reached both connections"), result.detail());
    }

    @Test
    void aMessageAcceptedButNeverBroadcastFailsNamingTheSubscription() {
        CheckResult result = check(new Behaviour(false, false, true));

        assertTrue(result.failed(), result.toString());
        assertTrue(result.actual().startsWith("sendMessage answered id m-1, but onMessage got nothing of it"),
                result.actual());
        assertTrue(result.likelyCause().startsWith("the message was accepted but not broadcast to every subscriber"),
                result.likelyCause());
    }

    @Test
    void anInvalidMessageAcceptedFailsNamingTheChatResolver() {
        CheckResult result = check(new Behaviour(true, true, false));

        assertTrue(result.failed(), result.toString());
        assertTrue(result.likelyCause().startsWith("the chat resolver accepts control characters"), result.likelyCause());
    }

    @Test
    void anInvalidMessageRefusedButBroadcastAnywayFailsNamingTheBroadcast() {
        behaviour = new Behaviour(true, true, true);
        // Refused, yet broadcast: the stand-in answers InvalidMessage and fans the text out itself.
        graphql.removeContext("/graphql");
        graphql.createContext("/graphql", exchange -> {
            JsonNode variables = JSON.readTree(exchange.getRequestBody()).path("variables");
            String text = variables.path("text").asText();
            ObjectNode message = JSON.createObjectNode().put("id", "m-" + ids.incrementAndGet())
                    .put("author", variables.path("author").asText()).put("text", text)
                    .put("sentAt", "2026-12-07T02:00:00Z");
            broadcast(message);
            boolean invalid = text.chars().anyMatch(Character::isISOControl);
            String answer = invalid
                    ? "{\"data\":null,\"errors\":[{\"errorType\":\"InvalidMessage\",\"message\":\"no\"}]}"
                    : "{\"data\":{\"sendMessage\":" + message + "}}";
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        CheckResult result = check(behaviour);

        assertTrue(result.failed(), result.toString());
        assertTrue(result.likelyCause().startsWith("the resolver refused the message but AppSync broadcast it"),
                result.likelyCause());
    }
}
