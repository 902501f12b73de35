package dev.refarch.realtime.graphql.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends GraphQL operations over HTTP/1.1 (the simulator answers 405 to Java's default h2c
 * upgrade) with either the API key or an IAM-style {@code Authorization} header.
 */
public final class GraphqlClient {

    /**
     * What the simulator takes as IAM: it checks only that the header starts with
     * {@code AWS4-HMAC-SHA256} and names a {@code Credential=<access key id>/...}; it never
     * verifies the signature. Real AppSync needs a true SigV4 signature.
     */
    public static final String IAM_AUTHORIZATION = "AWS4-HMAC-SHA256 "
            + "Credential=AKIDLOCALSIMULATOR/20260101/us-east-1/appsync/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0".repeat(64);
    /** The request date that goes with {@link #IAM_AUTHORIZATION}. */
    public static final String IAM_AMZ_DATE = "20260101T000000Z";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final URI url;
    private final Map<String, String> authHeaders;

    private GraphqlClient(URI url, Map<String, String> authHeaders) {
        this.url = url;
        this.authHeaders = Map.copyOf(authHeaders);
    }

    /** A client that sends {@code x-api-key}. */
    public static GraphqlClient withApiKey(URI graphqlUrl, String apiKey) {
        return new GraphqlClient(graphqlUrl, Map.of("x-api-key", apiKey));
    }

    /** A client that sends an IAM-style {@code Authorization} header and no API key. */
    public static GraphqlClient withIam(URI graphqlUrl) {
        return new GraphqlClient(graphqlUrl, Map.of("Authorization", IAM_AUTHORIZATION, "x-amz-date", IAM_AMZ_DATE));
    }

    /** This client, sending one more header with every request. */
    public GraphqlClient withHeader(String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(authHeaders);
        headers.put(name, value);
        return new GraphqlClient(url, headers);
    }

    /**
     * The auth headers this client sends; the real-time protocol carries the same ones (plus
     * {@code host}) in its {@code header} query parameter and in each {@code start} message.
     */
    public Map<String, String> authHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("host", url.getAuthority());
        headers.putAll(authHeaders);
        return headers;
    }

    /** Runs an operation without variables. */
    public Response execute(String operation) {
        return execute(operation, Map.of());
    }

    /** Runs an operation; a non-JSON answer or a transport failure throws. */
    public Response execute(String operation, Map<String, ?> variables) {
        ObjectNode body = JSON.createObjectNode();
        body.put("query", operation);
        body.set("variables", JSON.valueToTree(variables));
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        authHeaders.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during POST " + url, e);
        }
    }

    /** One GraphQL response: HTTP status and body ({@code data}, {@code errors}). */
    public record Response(int status, JsonNode body) {

        /** {@code data}, or a missing node. */
        public JsonNode data() {
            return body.path("data");
        }

        /** One field of {@code data}, by name or alias. */
        public JsonNode data(String field) {
            return data().path(field);
        }

        public List<JsonNode> errors() {
            List<JsonNode> errors = new ArrayList<>();
            body.path("errors").forEach(errors::add);
            return errors;
        }

        /** The {@code errorType} of each error, in order ({@code ""} when an error has none). */
        public List<String> errorTypes() {
            return errors().stream().map(e -> e.path("errorType").asText("")).toList();
        }

        /** Status 200 and no errors. */
        public boolean succeeded() {
            return status == 200 && errors().isEmpty() && !body.has("errorMessage");
        }

        /** Throws with the whole body unless the call {@link #succeeded()}. */
        public Response assertSucceeded() {
            if (!succeeded()) {
                throw new AssertionError("GraphQL call failed: HTTP " + status + " " + body);
            }
            return this;
        }

        /** Throws unless the call failed with exactly one error of this type. */
        public Response assertErrorType(String errorType) {
            if (!errorTypes().equals(List.of(errorType))) {
                throw new AssertionError("expected one " + errorType + " error, got HTTP " + status + " " + body);
            }
            return this;
        }
    }
}
