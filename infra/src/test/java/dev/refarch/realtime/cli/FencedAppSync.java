package dev.refarch.realtime.cli;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WireMock as AppSync's {@code publishTick} on 127.0.0.1, with the resolver's fence: per
 * symbol, only a sequence above the highest taken so far is taken (and "broadcast", i.e. kept
 * in {@link #published}); any other answers a per-alias {@code StaleTick} error, as the
 * resolver does. {@link #refuseAll} answers everything 403, as AppSync does to a role without
 * {@code appsync:GraphQL}. A tick listed in {@link #timeOutOnce} ("SYMBOL@sequence") gets a
 * per-alias {@code ExecutionTimeout} the first time; every other alias of its request still runs.
 */
final class FencedAppSync implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** An aliased field ({@code m3: publishTick(...)}) or, one per request, the field under its own name. */
    private static final Pattern FIELD = Pattern.compile("(?:(m\\d+): )?publishTick\\(tick: \\$(tick\\d+)\\)");

    final List<JsonNode> published = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Long> highest = new ConcurrentHashMap<>();
    volatile boolean refuseAll;
    final java.util.Set<String> timeOutOnce = ConcurrentHashMap.newKeySet();
    final WireMockServer server;

    FencedAppSync() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new Fence()));
        server.start();
        server.stubFor(WireMock.post("/graphql").willReturn(WireMock.aResponse().withTransformers("fence")));
    }

    URI endpoint() {
        return URI.create(server.baseUrl() + "/graphql");
    }

    /** The published ticks of a symbol, as "sequence" values in order. */
    List<Long> sequences(String symbol) {
        synchronized (published) {
            return published.stream().filter(t -> symbol.equals(t.get("symbol").asText()))
                    .map(t -> t.get("sequence").asLong()).toList();
        }
    }

    int requests() {
        return server.getAllServeEvents().size();
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Fence implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            if (refuseAll) {
                return new ResponseDefinitionBuilder().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody("{\"errors\":[{\"errorType\":\"UnauthorizedException\",\"message\":\"not authorized\"}]}")
                        .build();
            }
            JsonNode body;
            try {
                body = JSON.readTree(serveEvent.getRequest().getBodyAsString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ObjectNode response = JSON.createObjectNode();
            ObjectNode data = response.putObject("data");
            Matcher fields = FIELD.matcher(body.get("query").asText());
            synchronized (highest) {
                while (fields.find()) {
                    String key = fields.group(1) != null ? fields.group(1) : "publishTick";
                    JsonNode tick = body.at("/variables/" + fields.group(2));
                    String symbol = tick.get("symbol").asText();
                    long sequence = tick.get("sequence").asLong();
                    if (timeOutOnce.remove(symbol + "@" + sequence)) {
                        data.putNull(fields.group(1));
                        ArrayNode errors = response.has("errors") ? (ArrayNode) response.get("errors")
                                : response.putArray("errors");
                        errors.addObject().put("errorType", "ExecutionTimeout").put("message", "Execution timed out.")
                                .putArray("path").add(fields.group(1));
                    } else if (sequence > highest.getOrDefault(symbol, 0L)) {
                        highest.put(symbol, sequence);
                        published.add(tick);
                        data.set(key, tick);
                    } else {
                        data.putNull(key);
                        ArrayNode errors = response.has("errors") ? (ArrayNode) response.get("errors")
                                : response.putArray("errors");
                        errors.addObject().put("errorType", "StaleTick").put("message", "stale")
                                .putArray("path").add(key);
                    }
                }
            }
            return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody(response.toString()).build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return "fence";
        }
    }
}
