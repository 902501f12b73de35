package dev.refarch.realtime.cli;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.refarch.realtime.cli.CloudFormationStub.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * {@code system verify}'s command line: where it finds the API (a stack's outputs, through a local
 * CloudFormation stand-in), what it says when it cannot, and its help. The checks themselves run against
 * the local run in {@code SystemVerifyEndToEndTest}.
 */
class SystemVerifyCommandTest {

    private static final String API_STACK = "realtime-refarch-dev-api";

    private WireMockServer cloudFormation;
    private int closedPort;

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void start() throws IOException {
        cloudFormation = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        cloudFormation.start();
        try (ServerSocket free = new ServerSocket(0)) {
            closedPort = free.getLocalPort();
        }
    }

    @AfterEach
    void stop() {
        cloudFormation.stop();
    }

    @Test
    void theApiStacksOutputsNameTheEndpointsAndTheKey() {
        stubStack(output("GraphqlUrl", "http://127.0.0.1:" + closedPort + "/graphql")
                + output("RealtimeUrl", "ws://127.0.0.1:" + closedPort + "/graphql/realtime")
                + output("ApiKey", "da2-deployed"));

        Run run = run("verify", "--stack", API_STACK);

        // Found, then unreachable (nothing listens there): the handshake says so, and nothing else runs.
        assertEquals(SystemCli.CHECK_FAILED, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().startsWith("system verify: stack " + API_STACK + ", http://127.0.0.1:" + closedPort
                + "/graphql"), run.out());
        assertTrue(run.out().contains("likely cause: the real-time endpoint cannot be reached: check the RealtimeUrl"),
                run.out());
        assertTrue(run.out().matches("(?s).*SKIP  ticks-aliased +-  needs the real-time handshake, which failed.*"),
                run.out());
        // The page is the web stack's, which the stand-in does not know: its check fails saying so.
        assertTrue(run.out().contains("FAIL  page ") && run.out().contains("expected the web stack"
                + " realtime-refarch-dev-web's WebUrl; got stack realtime-refarch-dev-web does not exist"), run.out());
        assertTrue(run.out().contains("0 passed, 2 failed, 7 skipped in "), run.out());
    }

    @Test
    void aStackWithoutTheApiKeyOutputIsReportedAsSuch() {
        stubStack(output("GraphqlUrl", "https://example.invalid/graphql")
                + output("RealtimeUrl", "wss://example.invalid/graphql"));

        Run run = run("verify", "--stack", API_STACK);

        assertEquals(SystemCli.MISSING_OUTPUT, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("stack " + API_STACK + " has no output ApiKey"), run.err());
    }

    @Test
    void anUnknownStackIsReportedAsSuch() {
        stubStack("");

        Run run = run("verify", "--stack", "nope-api");

        assertEquals(SystemCli.UNKNOWN_STACK, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("stack nope-api does not exist"), run.err());
    }

    @Test
    void aMissingReadyFileOrTwoTargetsAreUsageErrors() {
        Path missing = dir.resolve("ready.json");
        Run noFile = run("verify", "--local", missing.toString());
        assertEquals(SystemCli.USAGE, noFile.exitCode(), noFile.out() + noFile.err());
        assertTrue(noFile.err().contains(missing.toString()), noFile.err());

        // Alone, --local reads where the local run writes its ready file by default; none runs here.
        Run noRun = run("verify", "--local");
        assertEquals(SystemCli.USAGE, noRun.exitCode(), noRun.out() + noRun.err());
        assertTrue(noRun.err().contains("no local run's ready file at " + LocalRunFile.DEFAULT_LOCATION
                + ": start the local run"), noRun.err());

        assertEquals(SystemCli.USAGE, run("verify", "--local", missing.toString(), "--stack", API_STACK).exitCode());
        assertEquals(SystemCli.USAGE, run("verify").exitCode());
        assertEquals(SystemCli.USAGE, run().exitCode());
    }

    @Test
    void theHelpNamesEveryCheckTheReservedSymbolAndTheExitCodes() {
        Run help = run("verify", "--help");

        assertEquals(SystemCli.OK, help.exitCode());
        for (String check : new String[] {"page", "streaming-path", "--web-stack", "--streaming-stack",
                "--streaming-timeout-seconds", "realtime-handshake", "ticks-one-per-request", "ticks-aliased", "stale-tick",
                "vote-and-review", "chat", "movie-rotation", "ZZVERIFY", "system-verify", "Exit codes:", "a check failed"}) {
            assertTrue(help.out().contains(check), check + " in\n" + help.out());
        }
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AwsClients aws = new AwsClients(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                () -> Region.EU_WEST_1, URI.create(cloudFormation.baseUrl()), null);
        int exit = new CommandLine(new SystemCli(aws)).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private void stubStack(String outputs) {
        CloudFormationStub.describeStacks(cloudFormation, API_STACK, outputs, "nope-api");
    }
}
