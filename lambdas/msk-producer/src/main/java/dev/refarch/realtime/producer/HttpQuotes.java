package dev.refarch.realtime.producer;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Quotes from an HTTP provider: {@code GET <url>?symbol=AMZN} with the key in {@code X-Api-Key},
 * answering {@code {"price":..,"open":..,"high":..,"low":..,"volume":..,"timestamp":..}}
 * ({@code timestamp} optional: ISO-8601 or epoch milliseconds; the time of the request if absent).
 */
public final class HttpQuotes implements QuoteSource {

    /** Header carrying the provider's API key. */
    public static final String API_KEY_HEADER = "X-Api-Key";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI url;
    private final String apiKey;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Clock clock;

    public HttpQuotes(URI url, String apiKey, Duration connectTimeout, Duration requestTimeout, Clock clock) {
        this.url = url;
        this.apiKey = apiKey;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    @Override
    public Tick next(String symbol) {
        String separator = url.getRawQuery() == null ? "?" : "&";
        URI uri = URI.create(url + separator + "symbol=" + URLEncoder.encode(symbol, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header(API_KEY_HEADER, apiKey)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new QuoteSourceException("Quote provider timed out after " + requestTimeout.toMillis() + " ms for " + symbol, true);
        } catch (IOException e) {
            throw new QuoteSourceException("Quote provider unreachable for " + symbol + ": " + e.getClass().getSimpleName(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuoteSourceException("Interrupted fetching a quote for " + symbol, false);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new QuoteSourceException("Quote provider rejected the API key (HTTP " + status + ") for " + symbol, false);
        }
        if (status / 100 != 2) {
            throw new QuoteSourceException("Quote provider answered HTTP " + status + " for " + symbol, status >= 500 || status == 429);
        }
        return parse(symbol, response.body());
    }

    private Tick parse(String symbol, String body) {
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            throw malformed(symbol, "not JSON");
        }
        if (json == null || !json.isObject()) {
            throw malformed(symbol, "not a JSON object");
        }
        return new Tick(symbol,
                number(json, "price", symbol), number(json, "open", symbol), number(json, "high", symbol),
                number(json, "low", symbol), number(json, "volume", symbol), timestamp(json, symbol));
    }

    private static double number(JsonNode json, String field, String symbol) {
        JsonNode value = json.get(field);
        if (value == null || !value.isNumber() || !Double.isFinite(value.asDouble())) {
            throw malformed(symbol, "missing numeric '" + field + "'");
        }
        return value.asDouble();
    }

    private Instant timestamp(JsonNode json, String symbol) {
        JsonNode value = json.get("timestamp");
        if (value == null || value.isNull()) {
            return clock.instant();
        }
        if (value.isIntegralNumber()) {
            return Instant.ofEpochMilli(value.asLong());
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw malformed(symbol, "'timestamp' is neither ISO-8601 nor epoch milliseconds");
        }
    }

    private static QuoteSourceException malformed(String symbol, String why) {
        return new QuoteSourceException("Malformed quote for " + symbol + ": " + why, true);
    }
}
