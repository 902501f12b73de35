package dev.refarch.realtime.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.refarch.realtime.graphql.testing.AppSyncSimulator;
import dev.refarch.realtime.graphql.testing.DynamoDbLocal;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.Operations;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two behaviours of real AppSync the simulator is patched to have ({@code graphql/simulator/patches.js}):
 * on a failed condition it reads the item with a {@code GetItem} under the data source's own
 * credentials (so a role without {@code dynamodb:GetItem} fails here as on AWS), and with a gateway
 * token it serves IAM requests only from the local IAM gateway. A recording proxy in front of
 * DynamoDB Local sees which operations the data sources send, with which access key, and can
 * refuse {@code GetItem} as DynamoDB refuses an action the role lacks.
 */
class ConditionFailureAndGatewayTest {

    private static final String TOKEN = "gateway-token-for-this-test";
    private static final String TICKS_KEY = "AKIDTICKSTABLE";
    private static final Pattern ACCESS_KEY = Pattern.compile("Credential=([^/]+)/");

    private static DynamoDbLocal dynamo;
    private static HttpServer proxy;
    private static AppSyncSimulator simulator;
    private static final List<String> seen = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean refuseGetItem = new AtomicBoolean();

    @BeforeAll
    static void start() throws IOException {
        dynamo = DynamoDbLocal.start();
        dynamo.createApiTables("Reviews", "Movies", "Ticks");
        proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        proxy.createContext("/", ConditionFailureAndGatewayTest::forward);
        proxy.start();
        URI proxyUrl = URI.create("http://127.0.0.1:" + proxy.getAddress().getPort());
        simulator = AppSyncSimulator.start(proxyUrl, Map.of("reviews", "Reviews", "movies", "Movies", "ticks", "Ticks"),
                AppSyncSimulator.DEFAULT_API_KEY, Map.of(
                        "APPSYNC_SIM_CREDENTIALS_TICKSTABLE", TICKS_KEY + ":ticks-secret",
                        "APPSYNC_SIM_IAM_GATEWAY_TOKEN", TOKEN));
    }

    @AfterAll
    static void stop() {
        if (simulator != null) {
            simulator.close();
        }
        if (proxy != null) {
            proxy.stop(0);
        }
        if (dynamo != null) {
            dynamo.close();
        }
    }

    @BeforeEach
    void reset() {
        seen.clear();
        refuseGetItem.set(false);
    }

    /** Records "Operation by access key", refuses GetItem when asked to, else forwards to DynamoDB Local. */
    private static void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = target == null ? "?" : target.substring(target.indexOf('.') + 1);
            Matcher key = ACCESS_KEY.matcher(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            seen.add(operation + " by " + (key.find() ? key.group(1) : "?"));
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            byte[] answer;
            if (refuseGetItem.get() && "GetItem".equals(operation)) {
                status = 400;
                answer = ("{\"__type\":\"com.amazon.coral.service#AccessDeniedException\",\"Message\":\"User: "
                        + "arn:aws:sts::000000000000:assumed-role/ticks/appsync is not authorized to perform: "
                        + "dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Ticks\"}")
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(dynamo.endpoint() + "/"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                for (String header : List.of("X-Amz-Target", "Content-Type", "Authorization", "X-Amz-Date")) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        request.header(header, value);
                    }
                }
                HttpResponse<byte[]> response;
                try {
                    response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                status = response.statusCode();
                answer = response.body();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    private static GraphqlClient gateway() {
        return GraphqlClient.withIam(simulator.graphqlUrl()).withHeader("x-refarch-iam-gateway", TOKEN);
    }

    private static Map<String, Object> tick(String symbol, double sequence) {
        return Operations.tickInput(symbol, 10.0, sequence);
    }

    @Test
    void aFailedConditionIsFollowedByAConsistentGetItemUnderTheDataSourcesOwnCredentials() {
        gateway().execute(Operations.PUBLISH_TICK, Map.of("tick", tick("CF", 2))).assertSucceeded();
        seen.clear();

        gateway().execute(Operations.PUBLISH_TICK, Map.of("tick", tick("CF", 1))).assertErrorType("StaleTick");

        assertEquals(List.of("PutItem by " + TICKS_KEY, "GetItem by " + TICKS_KEY), seen);
    }

    @Test
    void aDataSourceThatMayNotGetItemsAnswersTheAccessErrorInsteadOfTheConditionsError() {
        gateway().execute(Operations.PUBLISH_TICK, Map.of("tick", tick("CG", 2))).assertSucceeded();
        refuseGetItem.set(true);

        GraphqlClient.Response stale = gateway().execute(Operations.PUBLISH_TICK, Map.of("tick", tick("CG", 1)));

        assertTrue(stale.errorTypes().stream().noneMatch("StaleTick"::equals), stale.body().toString());
        assertTrue(stale.body().toString().contains("dynamodb:GetItem"), stale.body().toString());
    }

    @Test
    void aSuccessfulConditionalWriteReadsNothing() {
        gateway().execute(Operations.PUBLISH_TICK, Map.of("tick", tick("CH", 1))).assertSucceeded();

        assertEquals(List.of("PutItem by " + TICKS_KEY), seen);
    }

    @Test
    void withAGatewayTokenAnIamRequestWithoutItIsRefusedAndTheApiKeyIsUnaffected() {
        GraphqlClient.Response direct = GraphqlClient.withIam(simulator.graphqlUrl())
                .execute(Operations.PUBLISH_TICK, Map.of("tick", tick("CI", 1)));
        assertEquals(401, direct.status(), direct.body().toString());
        assertEquals(List.of("UnauthorizedException"), direct.errorTypes());
        assertTrue(seen.isEmpty(), "nothing reached DynamoDB: " + seen);

        GraphqlClient.withIam(simulator.graphqlUrl()).withHeader("x-refarch-iam-gateway", "another-token")
                .execute(Operations.PUBLISH_TICK, Map.of("tick", tick("CI", 1))).assertErrorType("UnauthorizedException");

        GraphqlClient.Response reviews = GraphqlClient.withApiKey(simulator.graphqlUrl(), AppSyncSimulator.DEFAULT_API_KEY)
                .execute(Operations.REVIEWS);
        assertNull(reviews.body().get("errors"), reviews.body().toString());
    }
}
