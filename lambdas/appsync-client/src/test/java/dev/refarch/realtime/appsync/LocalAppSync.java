package dev.refarch.realtime.appsync;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** A WireMock stand-in for the AppSync endpoint on 127.0.0.1, plus client wiring for tests. */
final class LocalAppSync implements AutoCloseable {

    static final AwsSessionCredentials CREDENTIALS =
            AwsSessionCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token");
    static final Clock FIXED_CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:34:56Z"), ZoneOffset.UTC);
    static final Region REGION = Region.EU_WEST_1;

    final WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    /** Backoffs the client asked for; nothing sleeps for real. */
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    LocalAppSync() {
        server.start();
    }

    URI endpoint() {
        return URI.create(server.baseUrl() + "/graphql");
    }

    AppSyncClientConfig config() {
        return AppSyncClientConfig.defaults(endpoint(), REGION);
    }

    AppSyncClient client(AppSyncClientConfig config) {
        return AppSyncClient.builder(config)
                .credentialsProvider(StaticCredentialsProvider.create(CREDENTIALS))
                .clock(FIXED_CLOCK)
                .jitter(() -> 0.5)
                .sleeper(sleeps::add)
                .build();
    }

    AppSyncClient client() {
        return client(config());
    }

    @Override
    public void close() {
        server.stop();
    }
}
