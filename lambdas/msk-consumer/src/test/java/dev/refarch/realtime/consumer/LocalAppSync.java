package dev.refarch.realtime.consumer;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WireMock as AppSync on 127.0.0.1: answers each aliased {@code publishTick} with the tick, or
 * with a per-field {@code InvalidTick} error for symbols listed in {@link #rejectSymbols}, the way
 * the resolver does; a per-field transient error for the next {@link #transientFailures} ticks of
 * a symbol; a request-level validation error naming the variable of a tick whose symbol is in
 * {@link #invalidVariableSymbols}, as AppSync does for a value that does not fit the schema
 * (no path, no errorType, nothing executed); 503/429 to everything during {@link #outageFor}; a
 * per-field {@code ExecutionTimeout} the first time a tick of {@link #timeOutOnce} (by volume) is
 * seen; with {@link #fenceSequences}, {@code StaleTick} for a tick whose sequence is not above its
 * symbol's stored one, as the resolver's condition does, and for a chained tick ({@code after}),
 * {@code PredecessorNotStored} unless the stored sequence is at least {@code after} and below its
 * own. Every alias of a request is run, in alias order (as graphql-js and the GraphQL spec run
 * mutation fields) or in the order {@link #executionOrder} says (AppSync documents none).
 * Every answered body is kept, in arrival order, and every tick answered with data in
 * {@link #broadcast}.
 */
final class LocalAppSync implements AutoCloseable {

    static final String ECHO = "graphql-echo";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIELD = Pattern.compile(
            "(m\\d+): publishTick\\(tick: \\$(tick\\d+)(?:, after: \\$(after\\d+))?\\)");

    /** The order the aliases of one request run in. */
    enum ExecutionOrder {
        /** Alias order, as the GraphQL spec requires for mutation fields. */
        SERIAL,
        /** Last alias first. */
        REVERSE,
        /** A different permutation per request (seeded, repeatable). */
        SHUFFLED
    }

    /** How the aliases of each request run; AppSync documents no order among them. */
    volatile ExecutionOrder executionOrder = ExecutionOrder.SERIAL;
    private final java.util.Random shuffle = new java.util.Random(17);

    final Set<String> rejectSymbols = ConcurrentHashMap.newKeySet();
    /** The errorType of those per-field errors. */
    volatile String rejectErrorType = "InvalidTick";
    /** Per symbol: how many of its next ticks get a per-field transient error. */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> transientFailures = new ConcurrentHashMap<>();
    /** Volumes (the test events' offsets) whose tick fails with a per-field ExecutionTimeout once. */
    final Set<Long> timeOutOnce = ConcurrentHashMap.newKeySet();
    /** Whether ticks are fenced by sequence, as the resolver's conditional write fences them. */
    volatile boolean fenceSequences;
    /** Per symbol, the highest sequence stored (with {@link #fenceSequences}). */
    final Map<String, Long> storedSequence = new ConcurrentHashMap<>();
    /** Chained ticks answered PredecessorNotStored. */
    final java.util.concurrent.atomic.AtomicInteger predecessorNotStored = new java.util.concurrent.atomic.AtomicInteger();
    /** Symbols whose ticks fail request-level validation. */
    final Set<String> invalidVariableSymbols = ConcurrentHashMap.newKeySet();
    /** Ticks answered with data (what subscribers would get), in order. */
    final List<JsonNode> broadcast = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Requests answered 503/429 during an outage. */
    final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long outageEndsNanos = Long.MIN_VALUE;
    /** Bodies of requests answered with 200, in arrival order. */
    final List<JsonNode> delivered = java.util.Collections.synchronizedList(new ArrayList<>());
    final WireMockServer server;

    LocalAppSync() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new Echo()));
        server.start();
        server.stubFor(WireMock.post("/graphql").atPriority(10).willReturn(echo()));
    }

    static ResponseDefinitionBuilder echo() {
        return WireMock.aResponse().withTransformers(ECHO);
    }

    /** Answers every request 503 or 429 (alternating) for this long from now. */
    void outageFor(java.time.Duration duration) {
        outageEndsNanos = System.nanoTime() + duration.toNanos();
    }

    /** The ticks broadcast, per symbol, in order. */
    Map<String, List<JsonNode>> broadcastBySymbol() {
        Map<String, List<JsonNode>> bySymbol = new java.util.LinkedHashMap<>();
        synchronized (broadcast) {
            for (JsonNode tick : broadcast) {
                bySymbol.computeIfAbsent(tick.get("symbol").asText(), s -> new ArrayList<>()).add(tick);
            }
        }
        return bySymbol;
    }

    URI endpoint() {
        return URI.create(server.baseUrl() + "/graphql");
    }

    /** The ticks delivered, per symbol, in delivery order. */
    Map<String, List<JsonNode>> ticksBySymbol() {
        Map<String, List<JsonNode>> bySymbol = new java.util.LinkedHashMap<>();
        synchronized (delivered) {
            for (JsonNode body : delivered) {
                for (JsonNode tick : ticks(body)) {
                    bySymbol.computeIfAbsent(tick.get("symbol").asText(), s -> new ArrayList<>()).add(tick);
                }
            }
        }
        return bySymbol;
    }

    /** The tick variables of one request, in alias order. */
    static List<JsonNode> ticks(JsonNode body) {
        List<JsonNode> ticks = new ArrayList<>();
        Matcher fields = FIELD.matcher(body.get("query").asText());
        while (fields.find()) {
            ticks.add(body.at("/variables/" + fields.group(2)));
        }
        return ticks;
    }

    /** The after variable of each alias of one request, in alias order (a JSON null where there is none). */
    static List<JsonNode> afters(JsonNode body) {
        List<JsonNode> afters = new ArrayList<>();
        Matcher fields = FIELD.matcher(body.get("query").asText());
        while (fields.find()) {
            JsonNode after = fields.group(3) == null ? null : body.at("/variables/" + fields.group(3));
            afters.add(after == null || after.isMissingNode() ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                    : after);
        }
        return afters;
    }

    /**
     * Fails unless every tick of the request is chained to the previous tick of its symbol in it
     * (after = that tick's sequence, below its own) and the first of each symbol is not.
     */
    static void assertChained(JsonNode body) {
        List<JsonNode> ticks = ticks(body);
        List<JsonNode> afters = afters(body);
        Map<String, Long> last = new java.util.HashMap<>();
        for (int i = 0; i < ticks.size(); i++) {
            Long previous = last.put(ticks.get(i).get("symbol").asText(), ticks.get(i).get("sequence").asLong());
            String what = "alias " + i + " of " + body;
            if (previous == null) {
                org.junit.jupiter.api.Assertions.assertTrue(afters.get(i).isNull(), what);
            } else {
                org.junit.jupiter.api.Assertions.assertEquals(previous.longValue(), afters.get(i).asLong(), what);
                org.junit.jupiter.api.Assertions.assertTrue(previous < ticks.get(i).get("sequence").asLong(), what);
            }
        }
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Echo implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            JsonNode body;
            try {
                body = JSON.readTree(serveEvent.getRequest().getBodyAsString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (System.nanoTime() < outageEndsNanos) {
                int n = refused.incrementAndGet();
                return new ResponseDefinitionBuilder().withStatus(n % 2 == 0 ? 429 : 503)
                        .withHeader("Content-Type", "application/json")
                        .withBody(n % 2 == 0 ? "{\"errors\":[{\"errorType\":\"TooManyRequestsException\"}]}" : "")
                        .build();
            }
            ObjectNode response = JSON.createObjectNode();
            Matcher invalid = FIELD.matcher(body.get("query").asText());
            while (invalid.find()) {
                if (invalidVariableSymbols.contains(body.at("/variables/" + invalid.group(2) + "/symbol").asText())) {
                    response.putNull("data");
                    response.putArray("errors").addObject().putNull("path").putNull("locations")
                            .put("message", "Variable '" + invalid.group(2) + "' has coerced Null value for NonNull type 'Float!'");
                    return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody(response.toString()).build();
                }
            }
            ObjectNode data = response.putObject("data");
            List<java.util.regex.MatchResult> aliases = new ArrayList<>();
            Matcher matcher = FIELD.matcher(body.get("query").asText());
            while (matcher.find()) {
                aliases.add(matcher.toMatchResult());
            }
            switch (executionOrder) {
                case REVERSE -> java.util.Collections.reverse(aliases);
                case SHUFFLED -> {
                    synchronized (shuffle) {
                        java.util.Collections.shuffle(aliases, shuffle);
                    }
                }
                case SERIAL -> { }
            }
            for (java.util.regex.MatchResult fields : aliases) {
                JsonNode tick = body.at("/variables/" + fields.group(2));
                JsonNode after = fields.group(3) == null ? null : body.at("/variables/" + fields.group(3));
                boolean chained = after != null && !after.isMissingNode() && !after.isNull();
                java.util.concurrent.atomic.AtomicInteger failures = transientFailures.get(tick.path("symbol").asText());
                String symbol = tick.path("symbol").asText();
                long sequence = tick.path("sequence").asLong();
                if (timeOutOnce.remove(tick.path("volume").asLong())) {
                    data.putNull(fields.group(1));
                    ObjectNode error = (response.has("errors") ? (com.fasterxml.jackson.databind.node.ArrayNode)
                            response.get("errors") : response.putArray("errors")).addObject();
                    error.put("errorType", "ExecutionTimeout").put("message", "Execution timed out.");
                    error.putArray("path").add(fields.group(1));
                } else if (fenceSequences && chained && (storedSequence.getOrDefault(symbol, 0L) < after.asLong()
                        || storedSequence.getOrDefault(symbol, 0L) >= sequence)) {
                    data.putNull(fields.group(1));
                    ObjectNode error = (response.has("errors") ? (com.fasterxml.jackson.databind.node.ArrayNode)
                            response.get("errors") : response.putArray("errors")).addObject();
                    error.put("errorType", "PredecessorNotStored").put("message", "the predecessor is not stored");
                    error.putArray("path").add(fields.group(1));
                    predecessorNotStored.incrementAndGet();
                } else if (fenceSequences && storedSequence.getOrDefault(symbol, 0L) >= sequence) {
                    data.putNull(fields.group(1));
                    ObjectNode error = (response.has("errors") ? (com.fasterxml.jackson.databind.node.ArrayNode)
                            response.get("errors") : response.putArray("errors")).addObject();
                    error.put("errorType", "StaleTick").put("message", "a newer tick was already published");
                    error.putArray("path").add(fields.group(1));
                } else if (failures != null && failures.getAndDecrement() > 0) {
                    data.putNull(fields.group(1));
                    ObjectNode error = (response.has("errors") ? (com.fasterxml.jackson.databind.node.ArrayNode)
                            response.get("errors") : response.putArray("errors")).addObject();
                    error.put("errorType", "DynamoDB:ProvisionedThroughputExceededException")
                            .put("message", "throughput exceeded");
                    error.putArray("path").add(fields.group(1));
                } else if (rejectSymbols.contains(tick.path("symbol").asText())) {
                    data.putNull(fields.group(1));
                    ObjectNode error = (response.has("errors") ? (com.fasterxml.jackson.databind.node.ArrayNode)
                            response.get("errors") : response.putArray("errors")).addObject();
                    error.put("errorType", rejectErrorType).put("message", "price must be positive and low must not exceed high");
                    error.putArray("path").add(fields.group(1));
                } else {
                    data.set(fields.group(1), tick);
                    broadcast.add(tick);
                    if (fenceSequences) {
                        storedSequence.put(symbol, sequence);
                    }
                }
            }
            delivered.add(body);
            return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody(response.toString()).build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return ECHO;
        }
    }

    /** Fields of a JSON object, for assertions. */
    static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }
}
