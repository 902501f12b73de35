package dev.refarch.realtime.local;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * S3Mock (a Spring Boot app with a real S3 API) in a child JVM on 127.0.0.1, holding the event
 * source mapping's on-failure bucket. Its store is a temporary folder, removed on exit.
 */
final class S3Component implements Component {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final LocalSettings settings;
    private final int port;
    /** S3Mock always opens a second connector; it gets its own loopback port. */
    private final int extraPort;
    private final String bucket;
    private ChildProcess process;
    private Path store;

    S3Component(LocalSettings settings) {
        this.settings = settings;
        this.port = settings.ports().get("s3");
        this.extraPort = settings.ports().get("s3-extra");
        this.bucket = settings.prefix() + "-failed-batches";
    }

    @Override
    public String name() {
        return "s3";
    }

    URI endpoint() {
        return URI.create(settings.loopback(port));
    }

    String bucket() {
        return bucket;
    }

    @Override
    public void start() throws Exception {
        store = Files.createTempDirectory("local-s3-");
        List<String> command = new ArrayList<>(List.of(ChildProcess.java(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // Spring Boot's own logging setup would look for Logback; the run logs through slf4j-simple.
                "-Dorg.springframework.boot.logging.LoggingSystem=none",
                "-cp", String.join(File.pathSeparator, ChildProcess.classpath()),
                S3MockLauncher.class.getName(),
                "--server.address=127.0.0.1",
                "--server.port=" + port,
                "--com.adobe.testing.s3mock.httpPort=" + extraPort,
                "--com.adobe.testing.s3mock.store.root=" + store,
                "--com.adobe.testing.s3mock.store.initialBuckets=" + bucket,
                "--com.adobe.testing.s3mock.store.retainFilesOnExit=false",
                "--logging.level.root=WARN"));
        process = ChildProcess.start(name(), command, settings.root(), Map.of(), log());
        awaitHttp(endpoint().resolve("/" + bucket), READY_TIMEOUT, process);
    }

    /** Waits until {@code url} answers any HTTP status, failing early if the process exits. */
    static void awaitHttp(URI url, Duration timeout, ChildProcess process) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> failure = process.failure();
            if (failure.isPresent()) {
                throw new LocalRunException(failure.get());
            }
            try {
                http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).method("HEAD",
                        HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new LocalRunException("no answer from " + url + " within " + timeout);
    }

    @Override
    public String readyDetail() {
        return endpoint() + " on-failure bucket " + bucket;
    }

    @Override
    public Optional<String> failure() {
        return process == null ? Optional.empty() : process.failure();
    }

    @Override
    public void stop() {
        if (process != null) {
            process.stop();
        }
        TempDirs.deleteQuietly(store);
    }

    @Override
    public Path log() {
        return settings.logs().file(name());
    }
}
