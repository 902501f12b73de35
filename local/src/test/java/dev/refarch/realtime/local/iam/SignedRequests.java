package dev.refarch.realtime.local.iam;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Requests signed with the SDK's own SigV4 signer ({@link AwsV4HttpSigner}), as the clients sign
 * them, for tests that need to sign at another time, tamper with a signed request, or send a
 * request no SDK client sends (an AppSync POST).
 */
public final class SignedRequests {

    /** java.net.http sets these itself. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private SignedRequests() {
    }

    /**
     * {@code method uri} with {@code headers} and {@code body}, signed by {@code who} for {@code service}
     * at {@code at}; S3 signs the path once and the payload as {@code x-amz-content-sha256}, or, with
     * {@code chunked}, as an {@code aws-chunked} body of signed chunks and a signed CRC32 trailer.
     */
    public static AwsRequest sign(LocalIdentity who, String service, String method, URI uri,
                                  Map<String, String> headers, byte[] body, Instant at, boolean chunked) {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(unsigned::putHeader);
        if (chunked) {
            unsigned.putHeader("Content-Length", Integer.toString(body.length));
        }
        boolean s3 = service.equals("s3");
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> {
            r.identity(AwsBasicCredentials.create(who.accessKeyId(), who.secretAccessKey()))
                    .request(unsigned.build())
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))
                    .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, !s3)
                    .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, !s3)
                    .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true);
            if (chunked) {
                r.putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, true)
                        .putProperty(AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM, DefaultChecksumAlgorithm.CRC32);
            }
        });
        byte[] sent = signed.payload().map(SignedRequests::bytes).orElse(body);
        Map<String, List<String>> all = new LinkedHashMap<>(signed.request().headers());
        if (chunked) {
            all.put("Content-Length", List.of(Integer.toString(sent.length)));
        }
        return new AwsRequest(method, signed.request().encodedPath(), signed.request().getUri().getRawQuery(), all,
                sent);
    }

    /** A JSON POST to {@code /} with {@code X-Amz-Target}, as the JSON-protocol clients send it, signed now. */
    public static AwsRequest jsonPost(LocalIdentity who, String service, URI endpoint, String target, String json) {
        return sign(who, service, "POST", endpoint.resolve("/"), Map.of("X-Amz-Target", target,
                "Content-Type", "application/x-amz-json-1.0"), json.getBytes(StandardCharsets.UTF_8),
                Instant.now(), false);
    }

    /** The same request with one byte of its body changed. */
    public static AwsRequest tampered(AwsRequest request, int index) {
        byte[] body = request.body().clone();
        body[index] = (byte) (body[index] == 'x' ? 'y' : 'x');
        return request.withBody(body, request.headers());
    }

    /** A java.net.http request sending exactly {@code request} to {@code endpoint}. */
    public static HttpRequest toHttp(URI endpoint, AwsRequest request) {
        URI uri = endpoint.resolve(request.rawPath() + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery()));
        HttpRequest.Builder http = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> http.header(name, v));
            }
        });
        return http.build();
    }

    private static byte[] bytes(ContentStreamProvider provider) {
        try (InputStream in = provider.newStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
