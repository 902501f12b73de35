package dev.refarch.realtime.rotator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.rotator.TmdbException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads TMDb's popular movies ({@code GET /movie/popular?page=N}). Every way TMDb can fail
 * becomes a {@link TmdbException} with a {@link Kind}; timeouts are short so a slow TMDb
 * costs one tick, not the function's whole timeout. Thread-safe; create once.
 */
public final class TmdbClient {

    /** Defaults: a TCP connect should take milliseconds; TMDb answers within a second. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final int BODY_EXCERPT_CHARS = 200;

    private final URI baseUrl;
    private final String imageBaseUrl;
    private final Duration readTimeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param baseUrl      API root, e.g. {@code https://api.themoviedb.org/3}
     * @param imageBaseUrl prefix of poster paths, e.g. {@code https://image.tmdb.org/t/p/w500}
     */
    public TmdbClient(URI baseUrl, String imageBaseUrl, Duration connectTimeout, Duration readTimeout) {
        String base = baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
        this.imageBaseUrl = imageBaseUrl.endsWith("/") ? imageBaseUrl.substring(0, imageBaseUrl.length() - 1)
                : imageBaseUrl;
        this.readTimeout = readTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    /** One page of popular movies; entries without a title are dropped. */
    public PopularPage popular(int page, TmdbApiKey key) throws TmdbException {
        HttpResponse<String> response = send(request(page, key));
        int status = response.statusCode();
        if (status != 200) {
            Kind kind = status == 401 ? Kind.UNAUTHORIZED
                    : status == 429 ? Kind.RATE_LIMITED
                    : status >= 500 ? Kind.SERVER_ERROR
                    : Kind.UNEXPECTED_STATUS;
            throw new TmdbException(kind, "HTTP " + status + " for page " + page + excerpt(response.body()), null);
        }
        return parse(page, response.body());
    }

    /** Builds the request without sending it (also used to prime the HTTP classes). */
    HttpRequest request(int page, TmdbApiKey key) {
        String query = "movie/popular?language=en-US&page=" + page;
        HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(readTimeout)
                .header("Accept", "application/json").GET();
        if (key.isBearerToken()) {
            builder.header("Authorization", "Bearer " + key.value());
        } else {
            // TMDb v3 keys are hex; encode anyway so a stray character cannot change the query.
            query += "&api_key=" + java.net.URLEncoder.encode(key.value(), java.nio.charset.StandardCharsets.UTF_8);
        }
        return builder.uri(baseUrl.resolve(query)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws TmdbException {
        // The request URI may hold the api_key: never put it in a message.
        String where = "GET " + baseUrl + "movie/popular";
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw new TmdbException(Kind.TIMEOUT, "no connection within the connect timeout: " + where, null);
        } catch (HttpTimeoutException e) {
            throw new TmdbException(Kind.TIMEOUT, "no answer within " + readTimeout + ": " + where, null);
        } catch (ConnectException e) {
            throw new TmdbException(Kind.UNREACHABLE, "cannot connect: " + where + " (" + e.getMessage() + ")", null);
        } catch (IOException e) {
            throw new TmdbException(Kind.UNREACHABLE, where + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TmdbException(Kind.UNREACHABLE, "interrupted: " + where, null);
        }
    }

    private PopularPage parse(int page, String body) throws TmdbException {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new TmdbException(Kind.MALFORMED, "page " + page + " is not JSON" + excerpt(body), null);
        }
        if (root == null || !root.isObject() || !root.path("results").isArray()) {
            throw new TmdbException(Kind.MALFORMED, "page " + page + " has no results array" + excerpt(body), null);
        }
        List<Movie> movies = new ArrayList<>();
        for (JsonNode result : root.get("results")) {
            JsonNode id = result.get("id");
            String title = text(result, "title");
            if (id == null || !(id.isIntegralNumber() || id.isTextual()) || title == null || title.isBlank()) {
                continue;
            }
            String poster = text(result, "poster_path");
            movies.add(new Movie(id.asText(), title.strip(), text(result, "overview"),
                    poster == null || poster.isBlank() ? null
                            : imageBaseUrl + (poster.startsWith("/") ? poster : "/" + poster),
                    blankToNull(text(result, "release_date"))));
        }
        if (movies.isEmpty()) {
            throw new TmdbException(Kind.EMPTY, "page " + page + " has no movie with an id and a title", null);
        }
        int totalPages = root.path("total_pages").canConvertToInt() ? root.path("total_pages").asInt() : page;
        return new PopularPage(root.path("page").asInt(page), Math.max(totalPages, 1), movies);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return ": " + (oneLine.length() > BODY_EXCERPT_CHARS ? oneLine.substring(0, BODY_EXCERPT_CHARS) + "..." : oneLine);
    }
}
