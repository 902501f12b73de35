package dev.refarch.realtime.appsync;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refarch.realtime.appsync.AppSyncRequestFailedException.Reason;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class MutateAllTest {

    /** A tick as the MSK consumer would pass it. */
    record Tick(String symbol, double price, double open, double high, double low, double volume, String timestamp) {
        static Tick of(int i) {
            return new Tick("S" + i, 100 + i, 99, 101 + i, 98, 1000 * i, "2026-11-21T12:00:0" + (i % 10) + "Z");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalAppSync appSync = new LocalAppSync();

    @AfterEach
    void stop() {
        appSync.close();
    }

    /** SnapStart priming runs before the snapshot: nothing may leave, and no credential be resolved there. */
    @Test
    void primingSendsNothingAndResolvesNoCredentials() {
        AtomicInteger credentialLookups = new AtomicInteger();
        AppSyncClient client = AppSyncClient.builder(AppSyncClientConfig.defaults(
                        URI.create(appSync.server.baseUrl() + "/graphql"), Region.EU_WEST_1))
                .credentialsProvider(() -> {
                    credentialLookups.incrementAndGet();
                    throw new IllegalStateException("no credentials before the snapshot");
                })
                .build();
        client.prime(BackendMutations.PUBLISH_TICK, Tick.of(1));
        assertEquals(0, appSync.server.getAllServeEvents().size(), "requests to AppSync");
        assertEquals(0, credentialLookups.get(), "lookups of the client's credentials");
    }

    /** The consumer's chained ticks: each alias gets its own after variable, null where there is none. */
    @Test
    void eachItemsExtraArgumentGoesInItsOwnVariableAndNullWhereItHasNone() throws Exception {
        List<Tick> ticks = ticks(3);
        appSync.server.stubFor(post("/graphql").willReturn(okJson(echo(ticks, -1))));

        List<BatchItemResult<Tick>> results = appSync.client().mutateAll(BackendMutations.PUBLISH_TICK_AFTER, ticks,
                java.util.Arrays.asList(null, 7.0, 1_767_623_400_123.0), AppSyncClient.NO_DEADLINE);

        assertEquals(1, requests().size());
        JsonNode body = JSON.readTree(requests().get(0).getBody());
        String query = body.get("query").asText();
        assertTrue(query.startsWith("mutation PublishTickBatch($tick0: TickInput! $after0: Float $tick1: TickInput! "),
                query);
        assertTrue(query.contains(" m2: publishTick(tick: $tick2, after: $after2) { "), query);
        assertTrue(body.at("/variables/after0").isNull(), body.toString());
        assertEquals(7.0, body.at("/variables/after1").asDouble());
        assertEquals(1_767_623_400_123L, body.at("/variables/after2").asLong());
        assertTrue(results.stream().allMatch(BatchItemResult::succeeded));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> appSync.client()
                .mutateAll(BackendMutations.PUBLISH_TICK, ticks, java.util.Arrays.asList(null, 7.0, null),
                        AppSyncClient.NO_DEADLINE));
    }

    @Test
    void itemsInOneRequestMapBackToTheirResultsInOrder() throws Exception {
        List<Tick> ticks = ticks(5);
        appSync.server.stubFor(post("/graphql").willReturn(okJson(echo(ticks, -1))));

        List<BatchItemResult<Tick>> results = appSync.client()
                .mutateAll(BackendMutations.PUBLISH_TICK, ticks, AppSyncClient.NO_DEADLINE);

        assertEquals(1, requests().size());
        JsonNode body = JSON.readTree(requests().get(0).getBody());
        assertTrue(body.get("query").asText().startsWith("mutation PublishTickBatch($tick0: TickInput! $tick1: TickInput! "),
                body.get("query").asText());
        assertTrue(body.get("query").asText().contains(" m4: publishTick(tick: $tick4) { "));
        assertEquals(JSON.valueToTree(ticks.get(3)), body.at("/variables/tick3"));
        assertEquals(5, results.size());
        for (int i = 0; i < 5; i++) {
            BatchItemResult<Tick> result = results.get(i);
            assertTrue(result.succeeded());
            assertEquals(i, result.index());
            assertEquals(ticks.get(i), result.item());
            assertEquals("S" + i, result.data().get("symbol").asText());
        }
    }

    @Test
    void anErrorOnOneAliasFailsThatItemOnly() throws Exception {
        List<Tick> ticks = ticks(5);
        appSync.server.stubFor(post("/graphql").willReturn(okJson(echo(ticks, 3))));

        List<BatchItemResult<Tick>> results = appSync.client()
                .mutateAll(BackendMutations.PUBLISH_TICK, ticks, AppSyncClient.NO_DEADLINE);

        assertEquals(List.of(true, true, true, false, true), results.stream().map(BatchItemResult::succeeded).toList());
        BatchItemResult<Tick> failed = results.get(3);
        assertEquals(ticks.get(3), failed.item());
        assertNull(failed.data());
        assertEquals(List.of(new GraphqlError("InvalidTick", "price must be positive", List.of("m3"))),
                failed.graphqlErrors());
        assertEquals(1, requests().size());
    }

    /** mutationsPerRequest=1: the fallback when aliased mutations do not trigger subscriptions on AppSync. */
    @Test
    void withOneFieldPerRequestEachMutationGoesAloneUnderItsOwnName() throws Exception {
        List<Tick> ticks = ticks(3);
        appSync.server.stubFor(post("/graphql").willReturn(okJson(
                "{\"data\":{\"publishTick\":null},\"errors\":[{\"errorType\":\"InvalidTick\","
                        + "\"message\":\"price must be positive\",\"path\":[\"publishTick\"]}]}")));
        appSync.server.stubFor(post("/graphql").withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.notContaining("\"S1\""))
                .willReturn(okJson("{\"data\":{\"publishTick\":{\"symbol\":\"ok\"}}}")));
        AppSyncClient client = appSync.client(appSync.config().withBatchLimits(1, 256 * 1024));

        List<BatchItemResult<Tick>> results = client.mutateAll(BackendMutations.PUBLISH_TICK, ticks,
                AppSyncClient.NO_DEADLINE);

        List<LoggedRequest> requests = requests();
        assertEquals(3, requests.size());
        for (LoggedRequest request : requests) {
            JsonNode body = JSON.readTree(request.getBody());
            assertEquals(BackendMutations.PUBLISH_TICK.unaliasedOperation(), body.get("query").asText());
            assertEquals(1, variables(request).size());
        }
        assertEquals(List.of(true, false, true), results.stream().map(BatchItemResult::succeeded).toList());
        assertEquals("ok", results.get(2).data().get("symbol").asText());
        // The field's own error reads as an aliased item's would (path m0), so callers need no second case.
        assertEquals(List.of(new GraphqlError("InvalidTick", "price must be positive", List.of("m0"))),
                results.get(1).graphqlErrors());
    }

    @Test
    void moreItemsThanFieldsPerRequestAreSplitIntoSeveralRequests() throws Exception {
        List<Tick> ticks = ticks(7);
        appSync.server.stubFor(post("/graphql").willReturn(okJson(echo(ticks.subList(0, 3), -1))));
        AppSyncClient client = appSync.client(appSync.config().withBatchLimits(3, 256 * 1024));

        List<BatchItemResult<Tick>> results = client.mutateAll(BackendMutations.PUBLISH_TICK, ticks,
                AppSyncClient.NO_DEADLINE);

        List<LoggedRequest> requests = requests();
        assertEquals(3, requests.size());
        assertEquals(List.of(3, 3, 1), requests.stream().map(r -> variables(r).size()).toList());
        assertEquals(JSON.valueToTree(ticks.get(6)), variables(requests.get(2)).get("tick0"));
        assertEquals(7, results.size());
        assertTrue(results.stream().allMatch(BatchItemResult::succeeded));
        assertEquals(IntStream.range(0, 7).boxed().toList(), results.stream().map(BatchItemResult::index).toList());
    }

    @Test
    void requestsStayUnderTheSizeGuardAndAnOversizeItemFailsAlone() throws Exception {
        List<Object> items = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(java.util.Map.of("symbol", "S" + i, "note", "x".repeat(300)));
        }
        items.add(2, java.util.Map.of("symbol", "HUGE", "note", "x".repeat(5000)));
        appSync.server.stubFor(post("/graphql").willReturn(okJson("{\"data\":{\"m0\":{},\"m1\":{},\"m2\":{}}}")));
        AppSyncClient client = appSync.client(appSync.config().withBatchLimits(25, 1024));

        List<BatchItemResult<Object>> results = client.mutateAll(BackendMutations.PUBLISH_TICK, items,
                AppSyncClient.NO_DEADLINE);

        List<LoggedRequest> requests = requests();
        assertTrue(requests.size() >= 3, "6 items of ~400 bytes need at least 3 requests of 1 KiB");
        for (LoggedRequest request : requests) {
            assertTrue(request.getBody().length <= 1024, "body of " + request.getBody().length + " bytes");
        }
        assertEquals(6, requests.stream().mapToInt(r -> variables(r).size()).sum());
        assertEquals(7, results.size());
        BatchItemResult<Object> huge = results.get(2);
        assertFalse(huge.succeeded());
        assertEquals(Reason.TOO_LARGE, assertInstanceOf(AppSyncRequestFailedException.class, huge.failure()).reason());
        assertEquals(6, results.stream().filter(BatchItemResult::succeeded).count());
    }

    @Test
    void aRequestThatFailsAsAWholeFailsEveryItemItCarried() {
        appSync.server.stubFor(post("/graphql").willReturn(status(400)));

        List<BatchItemResult<Tick>> results = appSync.client()
                .mutateAll(BackendMutations.PUBLISH_TICK, ticks(3), AppSyncClient.NO_DEADLINE);

        assertEquals(3, results.size());
        for (BatchItemResult<Tick> result : results) {
            assertEquals(Reason.NOT_RETRYABLE,
                    assertInstanceOf(AppSyncRequestFailedException.class, result.failure()).reason());
        }
    }

    @Test
    void anErrorWithoutAnAliasPathFailsEveryItemOfItsRequest() {
        appSync.server.stubFor(post("/graphql").willReturn(okJson(
                "{\"data\":null,\"errors\":[{\"errorType\":\"UnauthorizedException\",\"message\":\"denied\"}]}")));

        List<BatchItemResult<Tick>> results = appSync.client()
                .mutateAll(BackendMutations.PUBLISH_TICK, ticks(2), AppSyncClient.NO_DEADLINE);

        assertEquals(2, results.size());
        assertTrue(results.stream().allMatch(r -> r.graphqlErrors().size() == 1
                && "UnauthorizedException".equals(r.graphqlErrors().get(0).errorType())));
    }

    private static List<Tick> ticks(int count) {
        return IntStream.range(0, count).mapToObj(Tick::of).toList();
    }

    /** A response with each tick under its alias, and an InvalidTick error on {@code failing} (or none when -1). */
    private static String echo(List<Tick> ticks, int failing) throws Exception {
        ObjectNode response = JSON.createObjectNode();
        ObjectNode data = response.putObject("data");
        for (int i = 0; i < ticks.size(); i++) {
            data.set("m" + i, i == failing ? null : JSON.valueToTree(ticks.get(i)));
        }
        if (failing >= 0) {
            response.putArray("errors").addObject()
                    .put("errorType", "InvalidTick").put("message", "price must be positive")
                    .putArray("path").add("m" + failing);
        }
        return JSON.writeValueAsString(response);
    }

    private List<LoggedRequest> requests() {
        return appSync.server.findAll(postRequestedFor(urlEqualTo("/graphql")));
    }

    private static JsonNode variables(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBody()).get("variables");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
