package dev.refarch.realtime.graphql.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A subscriber speaking the AppSync real-time WebSocket protocol, as a browser does:
 * subprotocol {@code graphql-ws}; auth headers as base64 JSON in the {@code header} query
 * parameter and an empty {@code payload}; {@code connection_init} / {@code connection_ack};
 * {@code start} (the operation as a JSON string in {@code data}, the auth headers in
 * {@code extensions.authorization}) / {@code start_ack}; then {@code data} messages until
 * {@code stop}. Every {@code data} and {@code error} message about a started subscription is
 * queued as an event; keep-alives ({@code ka}) are dropped.
 */
public final class RealtimeSubscriber implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final WebSocket socket;
    private final Map<String, String> authHeaders;
    private final BlockingQueue<JsonNode> events;
    private final Map<String, CompletableFuture<JsonNode>> pendingStarts;

    private RealtimeSubscriber(WebSocket socket, Map<String, String> authHeaders,
                               BlockingQueue<JsonNode> events, Map<String, CompletableFuture<JsonNode>> pendingStarts) {
        this.socket = socket;
        this.authHeaders = authHeaders;
        this.events = events;
        this.pendingStarts = pendingStarts;
    }

    /**
     * Opens the connection and waits for {@code connection_ack}.
     *
     * @param realtimeUrl the simulator's real-time endpoint
     * @param authHeaders what {@link GraphqlClient#authHeaders()} gives (host and credentials)
     */
    public static RealtimeSubscriber connect(URI realtimeUrl, Map<String, String> authHeaders) {
        String header = Base64.getEncoder().encodeToString(json(authHeaders).getBytes(StandardCharsets.UTF_8));
        URI uri = URI.create(realtimeUrl + "?header=" + URLEncoder.encode(header, StandardCharsets.UTF_8)
                + "&payload=e30=");
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        Map<String, CompletableFuture<JsonNode>> pendingStarts = new ConcurrentHashMap<>();
        CompletableFuture<JsonNode> ack = new CompletableFuture<>();
        Listener listener = new Listener(events, pendingStarts, ack);
        WebSocket socket = await(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .newWebSocketBuilder()
                .subprotocols("graphql-ws")
                .connectTimeout(HANDSHAKE_TIMEOUT)
                .buildAsync(uri, listener), "WebSocket handshake with " + realtimeUrl);
        RealtimeSubscriber subscriber = new RealtimeSubscriber(socket, Map.copyOf(authHeaders), events, pendingStarts);
        subscriber.send(Map.of("type", "connection_init"));
        JsonNode acknowledged = await(ack, "connection_ack");
        if (!"connection_ack".equals(acknowledged.path("type").asText())) {
            subscriber.close();
            throw new AssertionError("connection refused: " + acknowledged);
        }
        return subscriber;
    }

    /**
     * Starts a subscription and waits for {@code start_ack}; returns its id. An {@code error}
     * answer throws with the server's message.
     */
    public String subscribe(String operation, Map<String, ?> variables) {
        String id = UUID.randomUUID().toString();
        CompletableFuture<JsonNode> started = new CompletableFuture<>();
        pendingStarts.put(id, started);
        ObjectNode data = JSON.createObjectNode();
        data.put("query", operation);
        data.set("variables", JSON.valueToTree(variables));
        send(Map.of("id", id, "type", "start", "payload", Map.of(
                "data", data.toString(),
                "extensions", Map.of("authorization", authHeaders))));
        JsonNode answer = await(started, "start_ack for " + operation);
        if (!"start_ack".equals(answer.path("type").asText())) {
            throw new SubscriptionRefused(answer);
        }
        return id;
    }

    /** Starts a subscription without variables. */
    public String subscribe(String operation) {
        return subscribe(operation, Map.of());
    }

    /** Stops one subscription. */
    public void unsubscribe(String id) {
        send(Map.of("id", id, "type", "stop"));
    }

    /** Sends a raw text frame, e.g. to check how the server handles a malformed message. */
    public void sendRaw(String text) {
        await(socket.sendText(text, true), "sending a frame");
    }

    /**
     * The next {@code data} or {@code error} message (the whole message: {@code type},
     * {@code id}, {@code payload}); fails the test if none arrives in time.
     */
    public JsonNode awaitNext(Duration timeout) {
        try {
            JsonNode event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("no subscription event within " + timeout);
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for an event", e);
        }
    }

    /**
     * The next {@code data} or {@code error} message that {@code wanted} accepts, skipping the others
     * (another client's traffic on a shared run); fails the test if none arrives in time.
     */
    public JsonNode awaitNext(Duration timeout, Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                JsonNode event = events.poll(left, TimeUnit.NANOSECONDS);
                if (event != null && wanted.test(event)) {
                    return event;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for an event", e);
        }
        throw new AssertionError("no wanted subscription event within " + timeout);
    }

    /**
     * Fails the test if a {@code data} or {@code error} message that {@code watched} accepts arrives
     * within the duration; others are skipped.
     */
    public void assertNothingWithin(Duration duration, Predicate<JsonNode> watched) {
        long deadline = System.nanoTime() + duration.toNanos();
        try {
            for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                JsonNode event = events.poll(left, TimeUnit.NANOSECONDS);
                if (event != null && watched.test(event)) {
                    throw new AssertionError("expected no such subscription event, got " + event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while watching for events", e);
        }
    }

    /** Fails the test if any {@code data} or {@code error} message arrives within the duration. */
    public void assertNothingWithin(Duration duration) {
        try {
            JsonNode event = events.poll(duration.toMillis(), TimeUnit.MILLISECONDS);
            if (event != null) {
                throw new AssertionError("expected no subscription event, got " + event);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while watching for events", e);
        }
    }

    /** Closes the connection (the server drops its subscriptions). */
    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // The connection is going away anyway.
            }
        }
        socket.abort();
    }

    private void send(Map<String, ?> message) {
        await(socket.sendText(json(message), true), "sending " + message.get("type"));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + what, e);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": no answer within " + HANDSHAKE_TIMEOUT, e);
        }
    }

    /** The server refused a {@code start}: its {@code error} message is kept. */
    public static final class SubscriptionRefused extends AssertionError {
        private final transient JsonNode message;

        SubscriptionRefused(JsonNode message) {
            super("subscription refused: " + message);
            this.message = message;
        }

        public JsonNode message() {
            return message;
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final BlockingQueue<JsonNode> events;
        private final Map<String, CompletableFuture<JsonNode>> pendingStarts;
        private final CompletableFuture<JsonNode> ack;
        private final StringBuilder partial = new StringBuilder();

        Listener(BlockingQueue<JsonNode> events, Map<String, CompletableFuture<JsonNode>> pendingStarts,
                 CompletableFuture<JsonNode> ack) {
            this.events = events;
            this.pendingStarts = pendingStarts;
            this.ack = ack;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                handle(text);
            }
            webSocket.request(1);
            return null;
        }

        private void handle(String text) {
            JsonNode message;
            try {
                message = JSON.readTree(text);
            } catch (IOException e) {
                events.add(JSON.createObjectNode().put("type", "unparseable").put("text", text));
                return;
            }
            String type = message.path("type").asText();
            String id = message.path("id").asText("");
            switch (type) {
                case "connection_ack", "connection_error" -> ack.complete(message);
                case "ka", "complete" -> {
                    // Keep-alive and stop confirmation carry no event.
                }
                case "start_ack" -> complete(id, message);
                case "error" -> {
                    if (!complete(id, message)) {
                        if (!ack.isDone()) {
                            ack.complete(message);
                        } else {
                            events.add(message);
                        }
                    }
                }
                default -> events.add(message);
            }
        }

        private boolean complete(String id, JsonNode message) {
            CompletableFuture<JsonNode> pending = pendingStarts.remove(id);
            if (pending == null) {
                return false;
            }
            pending.complete(message);
            return true;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            JsonNode closed = JSON.createObjectNode().put("type", "closed").put("status", statusCode).put("reason", reason);
            if (!ack.complete(closed)) {
                events.add(closed);
            }
            pendingStarts.values().forEach(p -> p.complete(closed));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ack.completeExceptionally(error);
            pendingStarts.values().forEach(p -> p.completeExceptionally(error));
        }
    }
}
