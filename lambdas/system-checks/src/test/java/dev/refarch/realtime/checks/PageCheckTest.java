package dev.refarch.realtime.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * {@link PageCheck} against a stand-in on 127.0.0.1 that serves a page, its config.json and its CSP
 * as the web stack does, and answers the API-key request as AppSync (or its WAF) would: passes on the
 * whole page, and fails, naming the cause, for each way a deploy gets it wrong.
 */
class PageCheckTest {

    private static final String KEY = "da2-thisapiskey";

    private HttpServer server;
    private String base;
    private SystemEndpoints endpoints;

    private volatile int pageStatus;
    private volatile String csp;
    private volatile String config;
    private volatile int apiStatus;
    private volatile String apiBody;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        endpoints = new SystemEndpoints(URI.create(base + "/graphql"), URI.create("ws://127.0.0.1:"
                + server.getAddress().getPort() + "/graphql/realtime"), KEY, URI.create(base + "/graphql"),
                Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")));
        pageStatus = 200;
        csp = policy(endpoints.graphqlUrl() + " " + endpoints.realtimeUrl());
        config = config(endpoints.graphqlUrl().toString(), endpoints.realtimeUrl().toString(), KEY);
        apiStatus = 200;
        apiBody = "{\"data\":{\"currentMovie\":{\"id\":\"tt1\"}}}";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** The web stack's policy (WebContentPolicy) with these connect-src sources. */
    private static String policy(String connect) {
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https://image.tmdb.org;"
                + " connect-src 'self' " + connect + "; manifest-src 'self'; base-uri 'none'; form-action 'none';"
                + " frame-ancestors 'none'; object-src 'none'";
    }

    private static String config(String graphql, String realtime, String key) {
        return "{\"apiKey\":\"" + key + "\",\"graphqlUrl\":\"" + graphql + "\",\"realtimeUrl\":\"" + realtime
                + "\",\"region\":\"us-east-1\",\"symbols\":[\"AMZN\"]}";
    }

    private CheckResult check(boolean firewall) {
        return new PageCheck(new PageTarget(URI.create(base + "/"), firewall), endpoints).run();
    }

    @Test
    void theWholePagePasses() {
        CheckResult result = check(true);

        assertEquals(CheckResult.Status.PASS, result.status(), result.toString());
        assertEquals("page", result.name());
        assertTrue(result.detail().contains("config.json points at this API and key; the CSP's connect-src names"
                + " exactly its GraphQL and real-time endpoints; a request with the API key passed the WAF"), result.detail());
    }

    @Test
    void withoutAFirewallThePassSaysTheKeyWasAnsweredWithNoWaf() {
        CheckResult result = check(false);

        assertEquals(CheckResult.Status.PASS, result.status(), result.toString());
        assertTrue(result.detail().endsWith("was answered (no WAF in the local run)"), result.detail());
    }

    @Test
    void aPageNotServedFailsSayingTheUrlDoesNotServeThePage() {
        pageStatus = 404;

        CheckResult result = check(true);

        assertTrue(result.failed(), result.toString());
        assertTrue(result.actual().startsWith("HTTP 404"), result.actual());
        assertTrue(result.likelyCause().startsWith("the URL answers but does not serve the page"), result.likelyCause());
    }

    @Test
    void anUnreachablePageFailsAsUnreachable() {
        server.stop(0);

        CheckResult result = check(true);

        assertTrue(result.failed(), result.toString());
        assertTrue(result.actual().startsWith("no answer"), result.actual());
        assertTrue(result.likelyCause().startsWith("the page's URL cannot be reached"), result.likelyCause());
    }

    @Test
    void aConfigOfAnotherApiFailsNamingBothApis() {
        config = config("https://other.appsync-api.us-east-1.amazonaws.com/graphql",
                "wss://other.appsync-realtime-api.us-east-1.amazonaws.com/graphql", KEY);

        CheckResult result = check(true);

        assertTrue(result.failed(), result.toString());
        assertEquals("config.json points at API https://other.appsync-api.us-east-1.amazonaws.com/graphql but verify"
                + " checks " + endpoints.graphqlUrl() + ": the web stack was deployed from another stage, or before"
                + " the API was replaced; redeploy it", result.likelyCause());
    }

    @Test
    void aConfigWithAnotherKeyFailsNamingTheKey() {
        config = config(endpoints.graphqlUrl().toString(), endpoints.realtimeUrl().toString(), "da2-anotherkeyentirely");

        CheckResult result = check(true);

        assertTrue(result.failed(), result.toString());
        assertTrue(result.likelyCause().startsWith("the page would send API key da2-anothe... but the API's is"
                + " da2-thisap...: the key was replaced"), result.likelyCause());
    }

    @Test
    void aMissingConfigFailsAsNoConfig() {
        config = null;

        CheckResult result = check(true);

        assertTrue(result.failed(), result.toString());
        assertTrue(result.likelyCause().startsWith("the page has no config.json"), result.likelyCause());
    }

    @Test
    void aCspWithoutTheRealtimeEndpointFailsSayingSubscriptionsAreBlocked() {
        csp = policy(endpoints.graphqlUrl().toString());

        CheckResult result = check(true);

        assertTrue(result.failed(), result.toString());
        assertEquals("connect-src 'self' " + endpoints.graphqlUrl(), result.actual());
        assertTrue(result.likelyCause().startsWith("the CSP lacks " + endpoints.realtimeUrl() + ", so a browser blocks"
                + " the page's subscriptions"), result.likelyCause());
    }

    @Test
    void aCspOfAnotherApiFailsNamingTheOtherHost() {
        csp = policy(endpoints.graphqlUrl() + " wss://other.appsync-realtime-api.us-east-1.amazonaws.com/graphql");

        CheckResult result = check(true);

        assertTrue(result.failed(), result.toString());
        assertTrue(result.likelyCause().contains("and it names wss://other.appsync-realtime-api.us-east-1.amazonaws.com"
                + "/graphql instead"), result.likelyCause());
    }

    @Test
    void aCspNamingAHostBesidesTheApiFails() {
        csp = policy(endpoints.graphqlUrl() + " " + endpoints.realtimeUrl() + " https://tracker.example.com");

        CheckResult result = check(true);

        assertTrue(result.failed(), result.toString());
        assertTrue(result.likelyCause().startsWith("the CSP also lets the page connect to https://tracker.example.com,"
                + " which is not this API"), result.likelyCause());
    }

    @Test
    void aPageWithoutCspFailsNamingTheResponseHeadersPolicy() {
        csp = null;

        CheckResult result = check(true);

        assertTrue(result.failed(), result.toString());
        assertTrue(result.likelyCause().contains("without its response headers policy"), result.likelyCause());
    }

    @Test
    void aWafBlockIsToldFromAppSyncRefusingTheKey() {
        apiStatus = 403;
        apiBody = "{\"errors\":[{\"errorType\":\"WAFForbiddenException\",\"message\":\"403 Forbidden\"}]}";

        CheckResult blocked = check(true);

        assertTrue(blocked.failed(), blocked.toString());
        assertTrue(blocked.actual().startsWith("HTTP 403"), blocked.actual());
        assertTrue(blocked.likelyCause().startsWith("the WAF web ACL blocked a request with the API key"),
                blocked.likelyCause());

        apiStatus = 403;
        apiBody = "<html><body>403 Forbidden</body></html>";
        assertTrue(check(true).likelyCause().startsWith("the WAF web ACL blocked"), "a 403 that is not GraphQL is WAF's");

        apiStatus = 401;
        apiBody = "{\"errors\":[{\"errorType\":\"UnauthorizedException\",\"message\":\"You are not authorized to make"
                + " this call.\"}]}";

        CheckResult refused = check(true);

        assertTrue(refused.failed(), refused.toString());
        assertTrue(refused.actual().contains("UnauthorizedException"), refused.actual());
        assertTrue(refused.likelyCause().startsWith("AppSync itself (not the WAF) refused the API key"),
                refused.likelyCause());
    }

    @Test
    void theCspDirectiveIsReadAsBrowsersReadIt() {
        assertEquals(java.util.List.of("'self'", "https://a/graphql", "wss://b/graphql"),
                PageCheck.directive("default-src 'none';  CONNECT-SRC  'self' https://a/graphql wss://b/graphql ;",
                        "connect-src").orElseThrow());
        assertTrue(PageCheck.directive("default-src 'none'", "connect-src").isEmpty());
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/graphql")) {
                boolean keyed = KEY.equals(exchange.getRequestHeaders().getFirst("x-api-key"));
                respond(exchange, keyed ? apiStatus : 401, "application/json", keyed ? apiBody
                        : "{\"errors\":[{\"errorType\":\"UnauthorizedException\",\"message\":\"no key\"}]}");
            } else if (path.equals("/config.json")) {
                if (config == null) {
                    respond(exchange, 404, "text/plain", "not found");
                } else {
                    respond(exchange, 200, "application/json", config);
                }
            } else if (path.equals("/") && pageStatus == 200) {
                if (csp != null) {
                    exchange.getResponseHeaders().add("Content-Security-Policy", csp);
                }
                respond(exchange, 200, "text/html;charset=utf-8",
                        "<!doctype html><html><head><title>Realtime Refarch</title></head><body></body></html>");
            } else {
                respond(exchange, pageStatus == 200 ? 404 : pageStatus, "text/plain", "not found");
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
