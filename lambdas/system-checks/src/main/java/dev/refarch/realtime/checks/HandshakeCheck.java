package dev.refarch.realtime.checks;

import java.time.Duration;
import java.util.Map;

/**
 * {@value #NAME}: connects to the real-time endpoint with the API key as the page does and subscribes
 * to {@code onCurrentMovie}, {@code onReviews}, {@code onMessage} and {@code onTick} of the canary
 * symbol, each acknowledged ({@code start_ack}). Proves the page can subscribe at all: the endpoint,
 * the key, the handshake and the subscription fields of this API.
 */
final class HandshakeCheck {

    static final String NAME = "realtime-handshake";
    /** How long the WebSocket handshake, and then each acknowledgement, may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The check's result and, when it passed, the connected viewer. */
    record Outcome(CheckResult result, Viewer viewer) {
    }

    private HandshakeCheck() {
    }

    static Outcome run(SystemEndpoints endpoints, CheckSettings settings) {
        long start = System.nanoTime();
        String ticksName = "onTick(" + settings.symbol() + ")";
        String expected = "connection_ack, then start_ack for onCurrentMovie, onReviews, onMessage and " + ticksName;
        RealtimeConnection connection = null;
        try {
            connection = RealtimeConnection.open(endpoints.realtimeUrl(), endpoints.graphqlUrl(), endpoints.apiKey(),
                    TIMEOUT);
            RealtimeSubscription movies = connection.subscribe("onCurrentMovie", VerifierOperations.ON_CURRENT_MOVIE,
                    Map.of());
            RealtimeSubscription reviews = connection.subscribe("onReviews", VerifierOperations.ON_REVIEWS, Map.of());
            RealtimeSubscription messages = connection.subscribe("onMessage", VerifierOperations.ON_MESSAGE, Map.of());
            RealtimeSubscription ticks = connection.subscribe(ticksName, VerifierOperations.ON_TICK,
                    Map.of("symbol", settings.symbol()));
            Viewer viewer = new Viewer(connection, movies, reviews, messages, ticks, System.nanoTime());
            return new Outcome(CheckResult.pass(NAME, Timing.since(start), "connected to " + endpoints.realtimeUrl()
                    + " with the API key; onCurrentMovie, onReviews, onMessage and " + ticksName + " acknowledged"),
                    viewer);
        } catch (RealtimeException e) {
            if (connection != null) {
                connection.close();
            }
            return new Outcome(CheckResult.fail(NAME, Timing.since(start), expected, e.getMessage(), cause(e)), null);
        }
    }

    static String cause(RealtimeException e) {
        if (e.unauthorized()) {
            return "the API key was refused: is it this API's key (the API stack's ApiKey output, the page's"
                    + " config.json) and not expired (the observability stack's daily renewal)?";
        }
        return switch (e.kind()) {
            case UNREACHABLE -> "the real-time endpoint cannot be reached: check the RealtimeUrl (the API stack's"
                    + " output) and the network";
            case NO_ANSWER -> "the endpoint did not answer the handshake in time: is it AppSync's real-time endpoint"
                    + " (wss://...appsync-realtime-api...), and is it throttling?";
            case CLOSED -> "the endpoint closed the connection during the handshake: is it AppSync's real-time"
                    + " endpoint, speaking graphql-ws?";
            case REFUSED -> "the endpoint refused the handshake or a subscription: does the deployed schema match this"
                    + " version's (graphql/schema.graphql)?";
        };
    }
}
