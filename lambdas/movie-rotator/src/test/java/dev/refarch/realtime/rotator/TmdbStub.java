package dev.refarch.realtime.rotator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URI;

/**
 * WireMock (standalone) on 127.0.0.1 standing in for TMDb and for Secrets Manager, whose AWS
 * JSON protocol is one {@code POST /} with an {@code X-Amz-Target} header.
 */
final class TmdbStub implements AutoCloseable {

    static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tmdb-AbCdEf";
    static final String IMAGE_BASE = "https://image.example/t/p/w500";
    private static final ObjectMapper JSON = new ObjectMapper();

    final WireMockServer server;

    TmdbStub() {
        server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.port() + "/3");
    }

    URI secretsEndpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** A popular page: {@code ids[i]} titled "Movie <id>", poster {@code /p<id>.jpg}; an id of 0 has no title. */
    static String page(int page, int totalPages, String... ids) {
        ObjectNode root = JSON.createObjectNode().put("page", page).put("total_pages", totalPages)
                .put("total_results", totalPages * 20);
        ArrayNode results = root.putArray("results");
        for (String id : ids) {
            ObjectNode movie = results.addObject().put("id", Integer.parseInt(id)).put("adult", false)
                    .put("overview", "About " + id).put("release_date", "1999-03-31").put("popularity", 12.5);
            if (!"0".equals(id)) {
                movie.put("title", "Movie " + id).put("poster_path", "/p" + id + ".jpg");
            }
        }
        return root.toString();
    }

    void popularAnswers(int status, String body) {
        server.stubFor(get(urlPathEqualTo("/3/movie/popular"))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
    }

    void popularDelays(int millis) {
        server.stubFor(get(urlPathEqualTo("/3/movie/popular"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(millis).withBody(page(1, 1, "603"))));
    }

    /** Secrets Manager answers GetSecretValue with this SecretString. */
    void secretIs(String secretString) {
        ObjectNode body = JSON.createObjectNode().put("ARN", SECRET_ARN).put("Name", "tmdb")
                .put("VersionId", "v1").put("SecretString", secretString).put("CreatedDate", 1.7e9);
        body.putArray("VersionStages").add("AWSCURRENT");
        server.stubFor(post(urlPathEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(body.toString())));
    }

    static String secretWithKey(String key) {
        return JSON.createObjectNode().put("tmdbApiKey", key).put("note", "other keys are ignored").toString();
    }

    int popularRequests() {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo("/3/movie/popular"))).size();
    }

    int secretRequests() {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo("/")))
                .size();
    }

    void reset() {
        server.resetAll();
    }

    @Override
    public void close() {
        server.stop();
    }
}
