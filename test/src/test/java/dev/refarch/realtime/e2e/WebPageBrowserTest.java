package dev.refarch.realtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web page in headless Debian Chromium (driven by playwright-core, {@code web/browser-tests/run.mjs})
 * against the local run: votes and chat between two browser contexts, chat markup shown as text,
 * a rejected message saying why, ticks only for chosen symbols, a tick kept from the page shown as a gap
 * in its symbol's sequence, current state again after the
 * connection is cut and restored, and AppSync's error behaviour injected into the local run's real-time
 * endpoint ({@code --realtime-fault}: an id-less LimitExceededError, a refused key, a refused start, a
 * start_ack that never comes or comes late), each shown while it lasts and recovered from without a
 * reload; screenshots of both views and of each fault in {@code test/target/e2e/web/screenshots/}.
 *
 * <p>Owns its run ({@link SharedLocalRun} says when): a fault mode reaches every connection of the run,
 * the shared run's canary's too.
 */
class WebPageBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static LocalRunner run;

    @BeforeAll
    static void start() throws Exception {
        // The real-time endpoint's faults are switchable (none at start): run.mjs drives the page through each.
        run = LocalRunner.start("web", java.util.List.of("--realtime-fault=none"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void pageIsServedWithItsConfigAndAContentSecurityPolicyNamingTheApi() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> config = http.send(HttpRequest.newBuilder(URI.create(run.text("webUrl") + "config.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, config.statusCode());
        assertTrue(config.body().contains("\"graphqlUrl\":\"" + run.text("graphqlUrl") + "\""), config.body());
        assertTrue(config.body().contains("\"realtimeUrl\":\"" + run.text("realtimeUrl") + "\""), config.body());
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(run.text("webUrl"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("connect-src 'self' " + run.text("graphqlUrl") + " " + run.text("realtimeUrl")), csp);
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(run.text("webUrl") + "../pom.xml")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void bothViewsWorkInHeadlessChromium() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: install Debian's chromium package "
                + "(`apt-get install chromium`, as .ci/run does) or point CHROMIUM at a Chromium binary");
        Path dir = LocalRunner.ROOT.resolve("test/target/e2e/web");
        Path output = dir.resolve("browser-tests.out");
        Process node = new ProcessBuilder(System.getProperty("node.executable", "node"), "browser-tests/run.mjs",
                "--ready=" + dir.resolve("ready.json"), "--artifacts=" + dir.resolve("screenshots"))
                .directory(LocalRunner.ROOT.resolve("web").toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!node.waitFor(8, TimeUnit.MINUTES)) {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly().waitFor();
        }
        String report = Files.readString(output);
        System.out.println(report);
        assertEquals(0, node.exitValue(), "browser tests failed:\n" + report);
        assertTrue(Files.size(dir.resolve("screenshots/movie-view.png")) > 0);
        assertTrue(Files.size(dir.resolve("screenshots/ticker-view.png")) > 0);
        assertTrue(Files.size(dir.resolve("screenshots/ticker-gap.png")) > 0);
        for (String fault : java.util.List.of("limit-exceeded", "unauthorized", "start-error", "drop-start-ack")) {
            assertTrue(Files.size(dir.resolve("screenshots/fault-" + fault + ".png")) > 0, fault);
        }
    }
}
