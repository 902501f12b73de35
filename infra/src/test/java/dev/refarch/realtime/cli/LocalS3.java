package dev.refarch.realtime.cli;

import com.adobe.testing.s3mock.S3MockApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API for tests: S3Mock 4.7.0 (a Spring Boot app) in this JVM, storing in a temporary
 * directory, every connector on 127.0.0.1 and a free port. S3Mock's plain-HTTP connector is an
 * extra Tomcat connector that binds every interface; {@link LoopbackConnectors} (added to its
 * context through {@code spring.main.sources}) binds it, and the HTTPS one, to loopback.
 */
final class LocalS3 implements AutoCloseable {

    private final S3MockApplication app;
    private final Path root;

    private LocalS3(S3MockApplication app, Path root) {
        this.app = app;
        this.root = root;
    }

    static LocalS3 start() {
        try {
            Path root = Files.createTempDirectory("s3mock");
            // start() edits the map it is given.
            S3MockApplication app = S3MockApplication.start(new java.util.HashMap<>(Map.of(
                    S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT,
                    S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT,
                    S3MockApplication.PROP_ROOT_DIRECTORY, root.toString(),
                    S3MockApplication.PROP_SILENT, true,
                    "spring.main.sources", LoopbackConnectors.class.getName(),
                    "spring.main.banner-mode", "off")));
            return new LocalS3(app, root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + app.getHttpPort());
    }

    int httpPort() {
        return app.getHttpPort();
    }

    /** S3Mock's HTTPS port (unused here, bound all the same). */
    int httpsPort() {
        return app.getPort();
    }

    /** A client for this server (path-style, fixed credentials). */
    S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public void close() {
        app.stop();
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory; the OS cleans it up otherwise.
        }
    }

    /** Binds every Tomcat connector of S3Mock to 127.0.0.1. */
    public static final class LoopbackConnectors implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {
        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.setAddress(InetAddress.getLoopbackAddress());
            factory.getAdditionalTomcatConnectors().forEach(c -> c.setProperty("address", "127.0.0.1"));
        }
    }
}
