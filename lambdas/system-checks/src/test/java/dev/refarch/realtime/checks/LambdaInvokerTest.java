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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The streaming path's Lambda call against a stand-in of Lambda's Invoke API on 127.0.0.1: what it
 * sends (the alias as the Qualifier, the canary event, a SigV4 signature for lambda), that a throttle
 * is tried again, and how each of Lambda's refusals is explained.
 */
class LambdaInvokerTest {

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger throttles = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ProducerTarget producer() {
        return new ProducerTarget(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                "arn:aws:lambda:eu-west-1:123456789012:function:realtime-refarch-dev-TickProducer-AbC:live",
                Region.EU_WEST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDOPERATOR", "s3cret")));
    }

    @Test
    void theAliasIsInvokedSignedForLambdaWithTheCanaryEvent() {
        LambdaInvoker.Answer answer = new LambdaInvoker(producer())
                .invoke(StreamingPathCheck.canaryEvent("ZZVERIFY", 42), Duration.ofSeconds(10));

        assertTrue(answer.invoked(), answer.toString());
        String request = requests.get(0);
        assertTrue(request.startsWith("POST /2015-03-31/functions/realtime-refarch-dev-TickProducer-AbC/invocations"
                + "?Qualifier=live\n"), request);
        assertTrue(request.contains("AWS4-HMAC-SHA256 Credential=AKIDOPERATOR/") && request.contains("/eu-west-1/lambda/"
                + "aws4_request"), request);
        assertTrue(request.endsWith("\n{\"canaryTick\":{\"symbol\":\"ZZVERIFY\",\"sequence\":42}}"), request);
    }

    @Test
    void aThrottledCallIsTriedAgainWithinTheBudget() {
        throttles.set(1);

        LambdaInvoker.Answer answer = new LambdaInvoker(producer())
                .invoke(StreamingPathCheck.canaryEvent("ZZVERIFY", 43), Duration.ofSeconds(10));

        assertTrue(answer.invoked(), answer.toString());
        assertEquals(2, requests.size());
    }

    @Test
    void eachRefusalNamesItsCause() {
        assertTrue(StreamingPathCheck.invokeCause(new LambdaInvoker.Answer(403, Optional.of("AccessDeniedException"),
                Optional.empty(), "{}")).startsWith("access denied: the caller's IAM identity may not"
                        + " lambda:InvokeFunction the producer's live alias"));
        assertTrue(StreamingPathCheck.invokeCause(new LambdaInvoker.Answer(404, Optional.of("ResourceNotFoundException"),
                Optional.empty(), "{}")).startsWith("no such function"));
        assertTrue(StreamingPathCheck.invokeCause(new LambdaInvoker.Answer(200, Optional.empty(), Optional.of("Unhandled"),
                "{\"errorMessage\":\"Refused canary event: symbol 'AMZN' is not a reserved canary symbol\"}"))
                .startsWith("the producer refused the canary event"));
        assertTrue(StreamingPathCheck.invokeCause(new LambdaInvoker.Answer(200, Optional.empty(), Optional.of("Unhandled"),
                "{\"errorMessage\":\"Publishing a tick of ZZVERIFY to topic 'market-ticks' failed\"}"))
                .startsWith("the producer could not write to the topic"));
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n"
                    + exchange.getRequestHeaders().getFirst("Authorization") + "\n" + body);
            if (throttles.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                respond(exchange, 429, Map.of("x-amzn-ErrorType", "TooManyRequestsException"),
                        "{\"Type\":\"User\",\"message\":\"Rate Exceeded.\",\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}");
                return;
            }
            respond(exchange, 200, Map.of(), "{\"canaryTick\":{\"symbol\":\"ZZVERIFY\"}}");
        }
    }

    private static void respond(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
