package dev.refarch.realtime.appsync;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.regions.Region;

/**
 * Signs JSON POSTs to AppSync (its GraphQL endpoint or its control-plane API) with SigV4, as
 * {@code java.net.http} requests. Thread-safe; built once per execution environment.
 */
public final class AppSyncRequestSigner {

    private static final String SIGNING_NAME = "appsync";
    /** java.net.http sets these itself and refuses them from callers. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("host", "content-length", "connection",
            "expect", "upgrade");

    private final AwsCredentialsProvider credentials;
    private final Region region;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param credentials where the signing credentials come from
     * @param region      the API's region
     * @param clock       the signing time source (fixed in tests to reproduce a signature)
     */
    public AppSyncRequestSigner(AwsCredentialsProvider credentials, Region region, Clock clock) {
        this.credentials = credentials;
        this.region = region;
        this.clock = clock;
    }

    /** A signed {@code POST uri} of the JSON {@code body}, given up after {@code timeout}. */
    public HttpRequest post(URI uri, byte[] body, Duration timeout) {
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(uri)
                .putHeader("Content-Type", "application/json")
                .build();
        SdkHttpRequest signed = signer.sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
                .putProperty(HttpSigner.SIGNING_CLOCK, clock))
                .request();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        // The Host header was signed from the URI; java.net.http derives the same value itself.
        signed.forEachHeader((name, values) -> {
            if (!RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return request.build();
    }
}
