package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A TMDb stand-in on 127.0.0.1 speaking what the rotator's {@code TmdbClient} calls:
 * {@code GET /3/movie/popular?page=N} with the key as {@code api_key} or a bearer token (any
 * other key gets TMDb's 401), answering from the catalog shipped in
 * {@code catalog/movies.json} (films written for this project), and serving their posters under
 * {@code /t/p/w500/}, so a rotation needs no network.
 */
final class TmdbComponent extends InProcessHttpComponent {

    static final String POSTER_PATH = "/t/p/w500";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE_SIZE = 20;

    private final String apiKey;
    private final ArrayNode catalog;

    TmdbComponent(LocalSettings settings, String apiKey) {
        super(settings, "tmdb");
        this.apiKey = apiKey;
        try (InputStream in = resource("catalog/movies.json")) {
            this.catalog = (ArrayNode) JSON.readTree(in).get("results");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the local TMDb catalog", e);
        }
    }

    /** {@code TMDB_BASE_URL} for the rotator. */
    String baseUrl() {
        return settings.loopback(port) + "/3";
    }

    /** {@code TMDB_IMAGE_BASE_URL} for the rotator. */
    String imageBaseUrl() {
        return settings.loopback(port) + POSTER_PATH;
    }

    int movies() {
        return catalog.size();
    }

    @Override
    public void start() throws IOException {
        listen(2, server -> {
            server.createContext("/3/movie/popular", this::popular);
            server.createContext(POSTER_PATH + "/", this::poster);
        });
    }

    private void popular(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = query(exchange.getRequestURI());
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            boolean authorized = apiKey.equals(query.get("api_key"))
                    || ("Bearer " + apiKey).equals(authorization);
            if (!authorized) {
                ObjectNode error = JSON.createObjectNode();
                error.put("status_code", 7);
                error.put("status_message", "Invalid API key: You must be granted a valid key.");
                error.put("success", false);
                respond(exchange, 401, "application/json", JSON.writeValueAsBytes(error));
                return;
            }
            int totalPages = Math.max(1, (catalog.size() + PAGE_SIZE - 1) / PAGE_SIZE);
            int page;
            try {
                page = Integer.parseInt(query.getOrDefault("page", "1"));
            } catch (NumberFormatException e) {
                page = 0;
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("page", page);
            ArrayNode results = body.putArray("results");
            for (int i = (page - 1) * PAGE_SIZE; page >= 1 && i < Math.min(catalog.size(), page * PAGE_SIZE); i++) {
                results.add(catalog.get(i));
            }
            body.put("total_pages", totalPages);
            body.put("total_results", catalog.size());
            respond(exchange, 200, "application/json;charset=utf-8", JSON.writeValueAsBytes(body));
        }
    }

    private void poster(HttpExchange exchange) throws IOException {
        try (exchange) {
            String file = exchange.getRequestURI().getPath().substring(POSTER_PATH.length() + 1);
            if (!file.matches("[a-z0-9-]+\\.svg")) {
                respond(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                return;
            }
            try (InputStream in = TmdbComponent.class.getClassLoader().getResourceAsStream("catalog/posters/" + file)) {
                if (in == null) {
                    respond(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
                respond(exchange, 200, "image/svg+xml", in.readAllBytes());
            }
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = TmdbComponent.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException(path + " is not on the classpath");
        }
        return in;
    }

    @Override
    public String readyDetail() {
        return baseUrl() + " (" + catalog.size() + " films, posters at " + imageBaseUrl() + ")";
    }


    /** Exposed for tests of the catalog. */
    JsonNode catalog() {
        return catalog;
    }
}
