package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connection to AppSync's real-time endpoint with the API key, made exactly as the page makes it
 * ({@code web/src/api/realtime.ts}, after AWS's "Building a real-time WebSocket client"): subprotocol
 * {@code graphql-ws}; the auth headers ({@code host} of the GraphQL endpoint, {@code x-api-key}) as
 * base64 JSON in the {@code header} query parameter and {@code payload=e30=}; {@code connection_init}
 * / {@code connection_ack}; {@code start} with the operation as a JSON string in {@code payload.data}
 * and the auth headers in {@code payload.extensions.authorization} / {@code start_ack}; then
 * {@code data} until {@code stop}. Keep-alives ({@code ka}) are ignored: a check lasts seconds.
 */
public final class RealtimeConnection implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final Map<String, String> auth;
    private final Listener listener;
    private final Duration timeout;

    private RealtimeConnection(WebSocket socket, Map<String, String> auth, Listener listener, Duration timeout) {
        this.socket = socket;
        this.auth = auth;
        this.listener = listener;
        this.timeout = timeout;
    }

    /**
     * Connects and waits for {@code connection_ack}.
     *
     * @param realtimeUrl the real-time endpoint ({@code wss://...appsync-realtime-api...})
     * @param graphqlUrl  the GraphQL endpoint, whose host AppSync authorizes API-key connections on
     * @param apiKey      the public API key
     * @param timeout     for the WebSocket handshake and for the acknowledgement, each
     * @throws RealtimeException when no acknowledged connection came
     */
    public static RealtimeConnection open(URI realtimeUrl, URI graphqlUrl, String apiKey, Duration timeout) {
        Map<String, String> auth = new LinkedHashMap<>();
        auth.put("host", graphqlUrl.getRawAuthority());
        auth.put("x-api-key", apiKey);
        String header = Base64.getEncoder().encodeToString(json(auth).getBytes(StandardCharsets.UTF_8));
        URI uri = URI.create(realtimeUrl + "?header=" + URLEncoder.encode(header, StandardCharsets.UTF_8)
                + "&payload=e30=");
        Listener listener = new Listener();
        WebSocket socket;
        try {
            socket = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build()
                    .newWebSocketBuilder()
                    .subprotocols("graphql-ws")
                    .connectTimeout(timeout)
                    .buildAsync(uri, listener)
                    .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw upgradeFailed(realtimeUrl, e.getCause());
        } catch (TimeoutException e) {
            throw new RealtimeException(RealtimeException.Kind.NO_ANSWER, null, 0,
                    "no WebSocket handshake with " + realtimeUrl + " within " + timeout.multipliedBy(2), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RealtimeException(RealtimeException.Kind.NO_ANSWER, null, 0, "interrupted while connecting", e);
        }
        RealtimeConnection connection = new RealtimeConnection(socket, Map.copyOf(auth), listener, timeout);
        try {
            try {
                connection.send(Map.of("type", "connection_init"));
            } catch (RealtimeException notSent) {
                // A server that refuses the connection may answer and close before it is sent.
                if (!listener.ack.isDone()) {
                    throw notSent;
                }
            }
            JsonNode ack = await(listener.ack, timeout, "connection_ack");
            String type = ack.path("type").asText();
            if (!"connection_ack".equals(type)) {
                throw refusal(type, ack, "the connection was refused");
            }
            return connection;
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Starts a subscription and waits for its {@code start_ack}.
     *
     * @param name      what it is, for messages ({@code onTick(ZZVERIFY)})
     * @param operation the subscription's text
     * @param variables its variables
     * @throws RealtimeException when it was refused or not acknowledged in time
     */
    public RealtimeSubscription subscribe(String name, String operation, Map<String, ?> variables) {
        String id = UUID.randomUUID().toString();
        RealtimeSubscription subscription = new RealtimeSubscription(name, id);
        CompletableFuture<JsonNode> started = new CompletableFuture<>();
        listener.pending.put(id, started);
        listener.subscriptions.put(id, subscription);
        ObjectNode data = JSON.createObjectNode();
        data.put("query", operation);
        data.set("variables", JSON.valueToTree(variables));
        send(Map.of("id", id, "type", "start", "payload", Map.of(
                "data", data.toString(),
                "extensions", Map.of("authorization", auth))));
        JsonNode answer = await(started, timeout, "start_ack of " + name);
        String type = answer.path("type").asText();
        if (!"start_ack".equals(type)) {
            listener.subscriptions.remove(id);
            throw refusal(type, answer, name + " was refused");
        }
        return subscription;
    }

    /** Closes the connection; the server drops its subscriptions. */
    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // Going away anyway.
            }
        }
        socket.abort();
    }

    private void send(Map<String, ?> message) {
        try {
            socket.sendText(json(message), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new RealtimeException(RealtimeException.Kind.CLOSED, null, 0,
                    "could not send " + message.get("type") + ": " + (e.getCause() != null ? e.getCause() : e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RealtimeException(RealtimeException.Kind.CLOSED, null, 0, "interrupted while sending", e);
        }
    }

    private static RealtimeException upgradeFailed(URI realtimeUrl, Throwable cause) {
        if (cause instanceof WebSocketHandshakeException refused) {
            int status = refused.getResponse().statusCode();
            Object body = refused.getResponse().body();
            return new RealtimeException(RealtimeException.Kind.REFUSED, null, status,
                    "the WebSocket upgrade was answered HTTP " + status + (body == null ? "" : ": " + body), cause);
        }
        return new RealtimeException(RealtimeException.Kind.UNREACHABLE, null, 0,
                "no WebSocket to " + realtimeUrl + ": " + cause, cause);
    }

    /** An answer other than the acknowledgement: {@code connection_error}, {@code error} or the close. */
    private static RealtimeException refusal(String type, JsonNode answer, String what) {
        if ("closed".equals(type)) {
            return new RealtimeException(RealtimeException.Kind.CLOSED, null, 0, what + ": the server closed the"
                    + " connection (" + answer.path("status").asInt() + " " + answer.path("reason").asText() + ")", null);
        }
        JsonNode error = answer.at("/payload/errors/0");
        String errorType = error.hasNonNull("errorType") ? error.get("errorType").asText() : null;
        return new RealtimeException(RealtimeException.Kind.REFUSED, errorType, 0,
                what + ": " + type + " " + answer.path("payload"), null);
    }

    private static JsonNode await(CompletableFuture<JsonNode> answer, Duration timeout, String what) {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new RealtimeException(RealtimeException.Kind.CLOSED, null, 0,
                    what + ": the connection failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new RealtimeException(RealtimeException.Kind.NO_ANSWER, null, 0, "no " + what + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RealtimeException(RealtimeException.Kind.NO_ANSWER, null, 0, "interrupted waiting for " + what, e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Routes each message: the acknowledgements to who waits for them, events to their subscription. */
    private static final class Listener implements WebSocket.Listener {
        final CompletableFuture<JsonNode> ack = new CompletableFuture<>();
        final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        final Map<String, RealtimeSubscription> subscriptions = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();

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
                return;
            }
            String type = message.path("type").asText();
            String id = message.path("id").asText("");
            RealtimeSubscription subscription = subscriptions.get(id);
            switch (type) {
                case "connection_ack", "connection_error" -> ack.complete(message);
                case "start_ack" -> complete(id, message);
                case "data" -> {
                    if (subscription != null) {
                        JsonNode payload = message.path("payload");
                        if (payload.has("errors")) {
                            subscription.addError(payload.path("errors").toString());
                        }
                        JsonNode data = payload.path("data");
                        if (data.isObject() && data.size() > 0) {
                            subscription.add(new RealtimeEvent(data.elements().next(), System.nanoTime()));
                        }
                    }
                }
                case "error" -> {
                    if (!complete(id, message)) {
                        if (!ack.isDone()) {
                            ack.complete(message);
                        } else if (subscription != null) {
                            subscription.addError(message.path("payload").toString());
                        }
                    }
                }
                default -> {
                    // ka (keep-alive) and complete (a stop confirmed) carry nothing a check needs.
                }
            }
        }

        private boolean complete(String id, JsonNode message) {
            CompletableFuture<JsonNode> waiting = pending.remove(id);
            return waiting != null && waiting.complete(message);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            JsonNode closed = JSON.createObjectNode().put("type", "closed").put("status", statusCode).put("reason", reason);
            ack.complete(closed);
            pending.values().forEach(p -> p.complete(closed));
            subscriptions.values().forEach(s -> s.closed("the server closed the connection (" + statusCode + " "
                    + reason + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ack.completeExceptionally(error);
            pending.values().forEach(p -> p.completeExceptionally(error));
            subscriptions.values().forEach(s -> s.closed("the connection failed: " + error));
        }
    }
}
