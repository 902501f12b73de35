package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.appsync.GraphqlError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sends public operations (queries, votes, chat) to the GraphQL endpoint with the API key in
 * {@code x-api-key}, as the page does. No retries: a check reports what one request got.
 */
public final class ApiKeyGraphqlClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final URI graphqlUrl;
    private final String apiKey;
    private final HttpClient http;

    public ApiKeyGraphqlClient(URI graphqlUrl, String apiKey) {
        this.graphqlUrl = graphqlUrl;
        this.apiKey = apiKey;
        // HTTP/1.1: the local simulator answers Java's h2c upgrade with 405 (as for the AppSync client).
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    /**
     * Runs one operation.
     *
     * @throws UncheckedIOException when no HTTP answer came (the endpoint is unreachable)
     */
    public GraphqlResponse execute(String operation, Map<String, ?> variables) {
        ObjectNode body = JSON.createObjectNode();
        body.put("query", operation);
        body.set("variables", JSON.valueToTree(variables));
        HttpRequest request = HttpRequest.newBuilder(graphqlUrl)
                .timeout(TIMEOUT)
                .header("content-type", "application/json")
                .header("x-api-key", apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + graphqlUrl + " got no answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during POST " + graphqlUrl, e);
        }
        return parse(response.statusCode(), response.body());
    }

    static GraphqlResponse parse(int status, String text) {
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            String excerpt = text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
            return new GraphqlResponse(status, MissingNode.getInstance(),
                    List.of(new GraphqlError("HTTP " + status, "not a GraphQL answer: " + excerpt, List.of())));
        }
        List<GraphqlError> errors = new ArrayList<>();
        for (JsonNode error : json.path("errors")) {
            List<Object> path = new ArrayList<>();
            error.path("path").forEach(p -> path.add(p.isInt() ? (Object) p.asInt() : p.asText()));
            errors.add(new GraphqlError(error.hasNonNull("errorType") ? error.get("errorType").asText() : null,
                    error.path("message").asText(""), path));
        }
        if (errors.isEmpty() && status != 200) {
            errors.add(new GraphqlError("HTTP " + status, json.toString(), List.of()));
        }
        return new GraphqlResponse(status, json.path("data"), errors);
    }
}
