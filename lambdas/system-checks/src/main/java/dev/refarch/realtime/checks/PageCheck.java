package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.GraphqlError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@value #NAME}: what a viewer's browser meets before the API, in the order it meets it.
 * <ol>
 *   <li>the page's URL serves the page (HTTP 200, HTML);</li>
 *   <li>its {@code config.json} points at this API: the GraphQL URL, the real-time URL and the API key
 *       the other checks use;</li>
 *   <li>its {@code Content-Security-Policy} header lets the page connect to exactly this API: the
 *       {@code connect-src} directive names the GraphQL and the real-time endpoints and, besides the
 *       page's own origin ({@code 'self'}), nothing else ({@link #CONNECT_SRC}, the rule the web stack's
 *       {@code WebContentPolicy} writes);</li>
 *   <li>a request with the API key, as the page sends it, is not blocked by the API's WAF web ACL
 *       (a WAF block is HTTP 403 from WAF; AppSync's own refusal of a key is HTTP 401
 *       {@code UnauthorizedException}, and the two causes are told apart).</li>
 * </ol>
 * The first step that fails ends the check. Costs four HTTP requests and one public query.
 */
public final class PageCheck {

    static final String NAME = "page";
    /** The CSP directive that decides where the page may connect. */
    static final String CONNECT_SRC = "connect-src";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PageTarget target;
    private final SystemEndpoints endpoints;
    private final HttpClient http;

    PageCheck(PageTarget target, SystemEndpoints endpoints) {
        this.target = target;
        this.endpoints = endpoints;
        // HTTP/1.1: the local simulator answers Java's h2c upgrade with 405; CloudFront speaks it too.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    CheckResult run() {
        long start = System.nanoTime();
        URI page = target.webUrl();
        HttpResponse<String> index;
        try {
            index = get(page);
        } catch (UncheckedIOException e) {
            return CheckResult.fail(NAME, Timing.since(start), "the page at " + page, "no answer: " + e.getMessage(),
                    "the page's URL cannot be reached: is it this stage's WebUrl (the web stack's output), and is"
                            + " its CloudFront distribution deployed?");
        }
        String type = index.headers().firstValue("content-type").orElse("");
        if (index.statusCode() != 200 || !type.toLowerCase(Locale.ROOT).startsWith("text/html")
                || !index.body().toLowerCase(Locale.ROOT).contains("<html")) {
            return CheckResult.fail(NAME, Timing.since(start), "GET " + page + " answered HTTP 200 with the page"
                            + " (text/html)", "HTTP " + index.statusCode() + ", " + (type.isEmpty() ? "no content type"
                            : type) + ", " + excerpt(index.body()),
                    "the URL answers but does not serve the page: the web stack's deployment did not put web/dist in"
                            + " its bucket (build the page, then redeploy the web stack), or the URL is not this"
                            + " stage's WebUrl");
        }

        Optional<CheckResult> config = config(start);
        if (config.isPresent()) {
            return config.get();
        }
        Optional<CheckResult> policy = contentSecurityPolicy(start, index);
        if (policy.isPresent()) {
            return policy.get();
        }
        return apiKeyRequest(start);
    }

    /** Step 2: {@code config.json} names this API's endpoints and key. */
    private Optional<CheckResult> config(long start) {
        URI url = target.configUrl();
        String expected = url + " naming GraphQL " + endpoints.graphqlUrl() + ", real-time " + endpoints.realtimeUrl()
                + " and API key " + abbreviated(endpoints.apiKey());
        HttpResponse<String> response;
        try {
            response = get(url);
        } catch (UncheckedIOException e) {
            return Optional.of(CheckResult.fail(NAME, Timing.since(start), expected, "no answer: " + e.getMessage(),
                    "the page was served but its config.json could not be fetched: a network fault, try again"));
        }
        JsonNode json = null;
        if (response.statusCode() == 200) {
            try {
                json = JSON.readTree(response.body());
            } catch (IOException e) {
                json = null;
            }
        }
        if (json == null || !json.isObject()) {
            return Optional.of(CheckResult.fail(NAME, Timing.since(start), expected, "HTTP " + response.statusCode()
                            + ", " + excerpt(response.body()),
                    "the page has no config.json: the web stack writes it at deploy from the API's outputs; redeploy"
                            + " the web stack"));
        }
        String graphql = json.path("graphqlUrl").asText("");
        String realtime = json.path("realtimeUrl").asText("");
        String key = json.path("apiKey").asText("");
        if (!sameUrl(graphql, endpoints.graphqlUrl()) || !sameUrl(realtime, endpoints.realtimeUrl())) {
            return Optional.of(CheckResult.fail(NAME, Timing.since(start), expected, "config.json points at API "
                            + graphql + " (real-time " + realtime + ")",
                    "config.json points at API " + graphql + " but verify checks " + endpoints.graphqlUrl()
                            + ": the web stack was deployed from another stage, or before the API was replaced;"
                            + " redeploy it"));
        }
        if (!key.equals(endpoints.apiKey())) {
            return Optional.of(CheckResult.fail(NAME, Timing.since(start), expected, "config.json has API key "
                            + abbreviated(key),
                    "the page would send API key " + abbreviated(key) + " but the API's is " + abbreviated(
                            endpoints.apiKey()) + ": the key was replaced after the web stack's deploy; redeploy the"
                            + " web stack"));
        }
        return Optional.empty();
    }

    /** Step 3: the page's CSP lets it connect to exactly this API. */
    private Optional<CheckResult> contentSecurityPolicy(long start, HttpResponse<String> index) {
        String expected = "a Content-Security-Policy whose " + CONNECT_SRC + " is 'self' " + endpoints.graphqlUrl()
                + " " + endpoints.realtimeUrl();
        Optional<String> header = index.headers().firstValue("content-security-policy");
        if (header.isEmpty()) {
            return Optional.of(CheckResult.fail(NAME, Timing.since(start), expected, "no Content-Security-Policy"
                            + " header on " + target.webUrl(),
                    target.firewall()
                            ? "the distribution serves the page without its response headers policy (the web stack's"
                                    + " SecurityHeaders): redeploy the web stack"
                            : "the local web server sets no CSP: it must serve WebContentPolicy's, as the web stack"
                                    + " deploys it"));
        }
        Optional<List<String>> sources = directive(header.get(), CONNECT_SRC);
        if (sources.isEmpty()) {
            return Optional.of(CheckResult.fail(NAME, Timing.since(start), expected, "no " + CONNECT_SRC + " in "
                            + header.get(),
                    "the CSP does not say where the page may connect: it is not the policy the web stack deploys"
                            + " (WebContentPolicy); redeploy the web stack"));
        }
        List<String> missing = new ArrayList<>();
        for (URI endpoint : List.of(endpoints.graphqlUrl(), endpoints.realtimeUrl())) {
            if (sources.get().stream().noneMatch(s -> sameUrl(s, endpoint))) {
                missing.add(endpoint.toString());
            }
        }
        Set<String> others = new LinkedHashSet<>();
        for (String source : sources.get()) {
            if (!source.equals("'self'") && !sameUrl(source, endpoints.graphqlUrl())
                    && !sameUrl(source, endpoints.realtimeUrl())) {
                others.add(source);
            }
        }
        String got = CONNECT_SRC + " " + String.join(" ", sources.get());
        if (!missing.isEmpty()) {
            return Optional.of(CheckResult.fail(NAME, Timing.since(start), expected, got,
                    "the CSP lacks " + String.join(" and ", missing) + ", so a browser blocks the page's "
                            + (missing.contains(endpoints.realtimeUrl().toString()) ? "subscriptions" : "queries")
                            + (others.isEmpty() ? "" : ", and it names " + String.join(" ", others) + " instead")
                            + ": the web stack was deployed for another API; redeploy it"));
        }
        if (!others.isEmpty()) {
            return Optional.of(CheckResult.fail(NAME, Timing.since(start), expected, got,
                    "the CSP also lets the page connect to " + String.join(" ", others) + ", which is not this API:"
                            + " the response headers policy was edited or deployed for another API; redeploy the"
                            + " web stack"));
        }
        return Optional.empty();
    }

    /** Step 4: the API-key request the page sends is not blocked. */
    private CheckResult apiKeyRequest(long start) {
        String expected = "POST " + endpoints.graphqlUrl() + " of " + VerifierOperations.PAGE_PROBE
                + " with the API key answered HTTP 200";
        GraphqlResponse response;
        try {
            response = new ApiKeyGraphqlClient(endpoints.graphqlUrl(), endpoints.apiKey())
                    .execute(VerifierOperations.PAGE_PROBE, Map.of());
        } catch (UncheckedIOException e) {
            return CheckResult.fail(NAME, Timing.since(start), expected, "no answer: " + e.getMessage(),
                    "the GraphQL endpoint cannot be reached from here: check the GraphqlUrl and the network");
        }
        if (response.succeeded()) {
            return CheckResult.pass(NAME, Timing.since(start), target.webUrl() + " serves the page; config.json"
                    + " points at this API and key; the CSP's " + CONNECT_SRC + " names exactly its GraphQL and"
                    + " real-time endpoints; a request with the API key " + (target.firewall()
                    ? "passed the WAF" : "was answered (no WAF in the local run)"));
        }
        if (wafBlock(response)) {
            return CheckResult.fail(NAME, Timing.since(start), expected, response.describe(),
                    "the WAF web ACL blocked a request with the API key, so it blocks viewers from this address too:"
                            + " the rate rule ApiKeyRequestsPerIp (more than wafRateLimit API-key requests in 5"
                            + " minutes from one IP) or a rule of AWSManagedRulesCommonRuleSet; its sampled requests"
                            + " and the aws-waf-logs-<api id> log group name the rule");
        }
        if (response.unauthorized()) {
            return CheckResult.fail(NAME, Timing.since(start), expected, response.describe(),
                    "AppSync itself (not the WAF) refused the API key: it expired (the observability stack renews"
                            + " it daily) or is not this API's key");
        }
        return CheckResult.fail(NAME, Timing.since(start), expected, response.describe(),
                "the API answered the page's first query with an error: see the API's logs and the AppSync5xxRate"
                        + " alarm");
    }

    /**
     * A refusal by WAF, not by AppSync: WAF's default block is HTTP 403 ({@code 403 Forbidden},
     * {@code WAFForbiddenException}, or no GraphQL body at all); AppSync refuses a bad API key with 401
     * {@code UnauthorizedException}.
     */
    static boolean wafBlock(GraphqlResponse response) {
        if (response.status() != 403) {
            return false;
        }
        return response.errors().stream().map(GraphqlError::errorType)
                .noneMatch(t -> t != null && t.startsWith("Unauthorized"));
    }

    /**
     * Whether a CSP's {@code connect-src} is what this check accepts: {@code 'self'}, the GraphQL endpoint
     * and the real-time endpoint, and nothing else. Public so the web stack's own policy
     * ({@code WebContentPolicy}) is tested against the rule the check applies.
     */
    public static boolean connectsToExactly(String policy, URI graphqlUrl, URI realtimeUrl) {
        Optional<List<String>> sources = directive(policy, CONNECT_SRC);
        return sources.isPresent()
                && sources.get().stream().anyMatch(s -> sameUrl(s, graphqlUrl))
                && sources.get().stream().anyMatch(s -> sameUrl(s, realtimeUrl))
                && sources.get().stream().allMatch(s -> s.equals("'self'") || sameUrl(s, graphqlUrl)
                        || sameUrl(s, realtimeUrl));
    }

    /** The sources of one directive of a CSP, or empty when it has none. */
    static Optional<List<String>> directive(String policy, String name) {
        for (String part : policy.split(";")) {
            List<String> tokens = List.of(part.strip().split("\\s+"));
            if (!tokens.isEmpty() && tokens.get(0).equalsIgnoreCase(name)) {
                return Optional.of(tokens.subList(1, tokens.size()));
            }
        }
        return Optional.empty();
    }

    /** Equal as URLs: scheme and host are case-insensitive; a trailing slash does not count. */
    private static boolean sameUrl(String text, URI endpoint) {
        String a = strip(text);
        String b = strip(endpoint.toString());
        return a.equalsIgnoreCase(b) && pathOf(a).equals(pathOf(b));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String pathOf(String url) {
        int scheme = url.indexOf("://");
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        return slash < 0 ? "" : url.substring(slash);
    }

    /** A public key shortened for a report line: it ships in the page, but a line need not carry it whole. */
    private static String abbreviated(String key) {
        if (key == null || key.isEmpty()) {
            return "(none)";
        }
        return key.length() <= 10 ? key : key.substring(0, 10) + "...";
    }

    private static String excerpt(String body) {
        String text = body == null ? "" : body.strip();
        return text.isEmpty() ? "empty body" : "body '" + (text.length() > 120 ? text.substring(0, 120) + "..." : text)
                + "'";
    }

    private HttpResponse<String> get(URI url) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + url, e);
        }
    }
}
