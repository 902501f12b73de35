package dev.refarch.realtime.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * Lambda's {@code Invoke} (RequestResponse) for one function, signed with SigV4 as the SDK signs it:
 * {@code POST /2015-03-31/functions/<name>/invocations?Qualifier=<alias>}
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). Plain JDK HTTP, so the checks need
 * no Lambda SDK. A throttled call ({@code TooManyRequestsException}, 429: a producer held to one
 * concurrent run by {@code producerReservedConcurrency}) is tried again until the budget ends.
 */
final class LambdaInvoker {

    /** java.net.http sets these itself and refuses them from callers. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("host", "content-length", "connection",
            "expect", "upgrade");
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

    /**
     * Lambda's answer.
     *
     * @param status        the HTTP status
     * @param errorType     {@code x-amzn-ErrorType} of a refused call ({@code AccessDeniedException},
     *                      {@code ResourceNotFoundException}, ...), empty when Lambda ran the function
     * @param functionError {@code X-Amz-Function-Error} ({@code Unhandled}) when the function failed
     * @param body          the function's response, or the error's JSON
     */
    record Answer(int status, Optional<String> errorType, Optional<String> functionError, String body) {

        boolean invoked() {
            return status == 200 && functionError.isEmpty();
        }
    }

    private final ProducerTarget target;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    LambdaInvoker(ProducerTarget target) {
        this.target = target;
    }

    /** The URL of the function's Invoke call. */
    URI invokeUrl() {
        String base = target.lambdaEndpoint().toString().replaceAll("/+$", "");
        return URI.create(base + "/2015-03-31/functions/" + target.functionName() + "/invocations"
                + (target.qualifier() == null ? "" : "?Qualifier=" + target.qualifier()));
    }

    /**
     * Invokes the function with {@code payload} and waits for its answer.
     *
     * @param budget how long the call, its throttled retries included, may take
     * @throws UncheckedIOException when Lambda gave no answer
     */
    Answer invoke(String payload, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            Answer answer = once(payload, left.isNegative() ? Duration.ofSeconds(1) : left);
            boolean throttled = answer.status() == 429
                    || answer.errorType().filter(t -> t.startsWith("TooManyRequests")).isPresent();
            if (!throttled || System.nanoTime() + RETRY_PAUSE.toNanos() > deadline) {
                return answer;
            }
            try {
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return answer;
            }
        }
    }

    private Answer once(String payload, Duration timeout) {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        URI uri = invokeUrl();
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(uri)
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Amz-Invocation-Type", "RequestResponse")
                .build();
        SdkHttpRequest signed = signer.sign(r -> r
                .identity(target.credentials().resolveCredentials())
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                .putProperty(AwsV4HttpSigner.REGION_NAME, target.region().id()))
                .request();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEachHeader((name, values) -> {
            if (!RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during POST " + uri, e);
        }
        Optional<String> errorType = response.headers().firstValue("x-amzn-ErrorType")
                .map(t -> t.contains(":") ? t.substring(0, t.indexOf(':')) : t);
        if (response.statusCode() == 200) {
            errorType = Optional.empty();
        }
        return new Answer(response.statusCode(), errorType, response.headers().firstValue("X-Amz-Function-Error"),
                response.body());
    }
}
