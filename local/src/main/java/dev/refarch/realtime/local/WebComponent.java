package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.refarch.realtime.infra.constructs.WebContentPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The web page on 127.0.0.1, as the Web stack's CloudFront distribution serves it: the built
 * page ({@code web/dist}, built by infra's {@code web-build} step: {@code npm run build} in {@code web/}), a
 * generated {@code /config.json} pointing at the AppSync simulator, the shipped catalog's posters under {@code /posters/}, and
 * the same security headers (the content security policy of {@link WebContentPolicy}).
 */
final class WebComponent extends InProcessHttpComponent {

    static final String POSTERS = "/posters/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "svg", "image/svg+xml",
            "json", "application/json",
            "ico", "image/x-icon",
            "png", "image/png");

    private final SimulatorComponent simulator;
    private final TmdbComponent tmdb;
    private final Path dist;

    WebComponent(LocalSettings settings, SimulatorComponent simulator, TmdbComponent tmdb) {
        super(settings, "web");
        this.simulator = simulator;
        this.tmdb = tmdb;
        this.dist = settings.root().resolve("web").resolve("dist").normalize();
    }

    /** The page's URL. */
    String url() {
        return settings.loopback(port) + "/";
    }

    @Override
    public void start() throws IOException {
        if (!Files.isRegularFile(dist.resolve("index.html"))) {
            throw new LocalRunException("the web page is not built (" + dist.resolve("index.html") + " is missing): run "
                    + "`mvn -q -pl local -am package -DskipTests` (or `npm --prefix web ci && npm --prefix web run build`)");
        }
        listen(4, server -> server.createContext("/", this::serve));
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "text/plain", bytes("method not allowed"));
            } else if ("/config.json".equals(path)) {
                respond(exchange, 200, TYPES.get("json"), config());
            } else if (path.startsWith(POSTERS)) {
                poster(exchange, path.substring(POSTERS.length()));
            } else {
                file(exchange, "/".equals(path) ? "index.html" : path.substring(1));
            }
        }
    }

    /** What the page reads at start: the simulator's endpoints, as the Web stack writes the API's. */
    byte[] config() throws IOException {
        ObjectNode config = new ObjectMapper().createObjectNode();
        config.put("graphqlUrl", simulator.graphqlUrl());
        config.put("realtimeUrl", simulator.realtimeUrl());
        config.put("apiKey", settings.apiKey());
        config.put("region", LocalSettings.REGION);
        config.putPOJO("symbols", settings.config().symbols());
        return new ObjectMapper().writeValueAsBytes(config);
    }

    private void poster(HttpExchange exchange, String file) throws IOException {
        if (!file.matches("[a-z0-9-]+\\.svg")) {
            respond(exchange, 404, "text/plain", bytes("not found"));
            return;
        }
        try (InputStream in = WebComponent.class.getClassLoader().getResourceAsStream("catalog/posters/" + file)) {
            if (in == null) {
                respond(exchange, 404, "text/plain", bytes("not found"));
            } else {
                respond(exchange, 200, TYPES.get("svg"), in.readAllBytes());
            }
        }
    }

    private void file(HttpExchange exchange, String relative) throws IOException {
        Path file = dist.resolve(relative).normalize();
        // Only files inside web/dist; anything else (../, folders) is not found.
        if (!file.startsWith(dist) || !Files.isRegularFile(file)) {
            respond(exchange, 404, "text/plain", bytes("not found"));
            return;
        }
        String name = file.getFileName().toString();
        String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
        // Hashed assets never change; the page itself is re-read each time, as CloudFront is told.
        exchange.getResponseHeaders().add("Cache-Control",
                relative.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
        respond(exchange, 200, type, Files.readAllBytes(file));
    }

    private void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.add("Content-Type", type);
        headers.add("Content-Security-Policy", WebContentPolicy.of(simulator.graphqlUrl(), simulator.realtimeUrl(),
                List.of(origin(tmdb.imageBaseUrl()))));
        headers.add("X-Content-Type-Options", "nosniff");
        headers.add("Referrer-Policy", "strict-origin-when-cross-origin");
        headers.add("X-Frame-Options", "DENY");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String readyDetail() {
        return url() + " (web/dist, /config.json for the simulator, catalog posters)";
    }

}
