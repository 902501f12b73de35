package dev.refarch.realtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.cli.AwsClients;
import dev.refarch.realtime.cli.LocalRunFile;
import dev.refarch.realtime.cli.SystemCli;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code system verify --local} against the local run, in-process through picocli as a user runs it:
 * every check passes on the whole system, and each fails for its reason where that can be provoked
 * cheaply. Two runs of the system: one whole (the passing run, a wrong API key, a rotation interval the
 * system does not keep), one without three grants of the deployed policies (the operator's
 * {@code publishTick} and {@code lambda:InvokeFunction} on the producer, the review broadcaster's
 * {@code publishReviews}/{@code publishReview}).
 */
class SystemVerifyEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CHECKS = List.of("page", "realtime-handshake", "ticks-one-per-request",
            "ticks-aliased", "stale-tick", "streaming-path", "vote-and-review", "chat", "movie-rotation");

    /** The operator policy's publishTick statement (local/iam-policies.json ids: the statement's index). */
    private static final String OPERATOR_PUBLISH_TICK = "observability/OperatorPolicy/Resource/Resource#3";
    /** The operator policy's lambda:InvokeFunction on the producer's live alias. */
    private static final String OPERATOR_INVOKE_PRODUCER = "observability/OperatorPolicy/Resource/Resource#4";
    /** The review broadcaster's publishReviews and publishReview statement. */
    private static final String BROADCASTER_PUBLISH_REVIEW = "api/ReviewBroadcaster/Function/Role/DefaultPolicy/Resource#1";
    /** The system canary's publishTick statement. */
    private static final String CANARY_PUBLISH_TICK = "observability/SystemCanary/Function/Role/DefaultPolicy/Resource#2";
    /** The canary's interval in these runs (deployed: canaryMinutes, 5 min): its first run is 15 s after the start. */
    private static final List<String> CANARY_EVERY_15_SECONDS = List.of("--canary-interval-seconds=15");
    /** How long the first canary run may take to be logged: its 15 s, a cold start and its checks. */
    private static final Duration CANARY_DEADLINE = Duration.ofSeconds(120);

    /** What one CLI run printed and returned. */
    record Cli(int exit, String output) {

        /** The line of a check: {@code STATUS  name ...}. */
        String line(String check) {
            return Arrays.stream(output.split("\\R"))
                    .filter(l -> l.matches("(PASS|FAIL|SKIP)\\s+" + Pattern.quote(check) + "\\s.*"))
                    .findFirst().orElseThrow(() -> new AssertionError("no line for " + check + " in:\n" + output));
        }

        void assertStatus(String status, String check) {
            assertTrue(line(check).startsWith(status + " "), output);
        }
    }

    /**
     * The first metrics line (Powertools EMF) the system canary's function logged in the run, waiting for
     * it: the canary runs under the runtime interface client as deployed, scheduled by the run.
     */
    private static JsonNode firstCanaryMetrics(LocalRunner run) throws Exception {
        Path log = run.readyFile().resolveSibling("logs").resolve("system-canary.log");
        long deadline = System.nanoTime() + CANARY_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (line.startsWith("{") && line.contains("\"_aws\"") && line.contains("\"CanaryPassed\"")) {
                        return JSON.readTree(line);
                    }
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no canary metrics in " + log + " within " + CANARY_DEADLINE + ":\n"
                + (Files.isRegularFile(log) ? Files.readString(log) : "(no log)"));
    }

    /** The canary log's lines at level ERROR (Powertools JSON), one per failed check. */
    private static List<String> canaryErrors(LocalRunner run) throws Exception {
        Path log = run.readyFile().resolveSibling("logs").resolve("system-canary.log");
        return Files.readAllLines(log).stream().filter(l -> l.startsWith("{") && l.contains("\"level\":\"ERROR\""))
                .map(l -> {
                    try {
                        return JSON.readTree(l).path("message").asText();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList();
    }

    private static Cli verify(String... args) {
        StringWriter output = new StringWriter();
        PrintWriter writer = new PrintWriter(output, true);
        List<String> all = new ArrayList<>(List.of("verify"));
        all.addAll(List.of(args));
        int exit = new picocli.CommandLine(new SystemCli(AwsClients.defaults())).setOut(writer).setErr(writer)
                .execute(all.toArray(String[]::new));
        return new Cli(exit, output.toString());
    }

    /** On the shared run, whose canary runs every 15 s ({@link SharedLocalRun#OPTIONS}). */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @ExtendWith(SharedLocalRun.class)
    @ResourceLock(SharedLocalRun.LOCK)
    class OnTheWholeSystem {

        private LocalRunner run;

        @BeforeAll
        void start(LocalRunner shared) {
            run = shared;
        }

        @AfterAll
        void stop() throws Exception {
            if (run != null) {
                run.assertNoRefusals();
            }
        }

        @Test
        void everyCheckPassesAndTheExitCodeIsZero() {
            Cli cli = verify("--local", run.readyFile().toString());

            assertEquals(SystemCli.OK, cli.exit(), cli.output());
            CHECKS.forEach(check -> cli.assertStatus("PASS", check));
            assertTrue(cli.output().contains("9 passed, 0 failed, 0 skipped in "), cli.output());
            // The local web server serves the page, its config.json and the CSP the web stack deploys; no WAF here.
            assertTrue(cli.line("page").contains("config.json points at this API and key; the CSP's connect-src names"
                    + " exactly its GraphQL and real-time endpoints; a request with the API key was answered (no WAF in"
                    + " the local run)"), cli.output());
            // Through the gateway's Lambda Invoke API, the producer's canary tick, the topic, the mapping, the consumer.
            assertTrue(cli.line("streaming-path").matches(".*invoked tick-producer:live \\(.*\\), which wrote ZZVERIFY"
                    + " sequence \\d+ to topic market-ticks partition \\d+ offset \\d+; it reached onTick\\(ZZVERIFY\\)"
                    + " \\d+ ms after the invocation began, through the event source mapping and the consumer.*"),
                    cli.output());
            assertTrue(cli.line("ticks-aliased").contains("5 ticks in 1 request of 5 aliased publishTick fields reached"
                    + " onTick(ZZVERIFY) in order"), cli.output());
            System.out.println(cli.output());
        }

        /**
         * The scheduled canary, its jar under the runtime interface client with the environment the
         * observability stack gives it and its own role's identity: its checks pass, and it publishes
         * CanaryPassed 1 and the tick latency, as EMF, in the deployment's namespace and service.
         */
        @Test
        void theScheduledCanaryPassesAndPublishesCanaryPassedAndTheTickLatency() throws Exception {
            JsonNode metrics = firstCanaryMetrics(run);

            assertEquals(1, metrics.path("CanaryPassed").asInt(), metrics.toString());
            assertEquals(0, metrics.path("CanaryChecksFailed").asInt(), metrics.toString());
            assertTrue(metrics.path("CanaryTickLatencyMillis").asDouble(-1) >= 0, metrics.toString());
            JsonNode directive = metrics.at("/_aws/CloudWatchMetrics/0");
            assertEquals("RealtimeRefarch", directive.path("Namespace").asText(), metrics.toString());
            assertTrue(metrics.path("Service").asText().endsWith("-system-canary"), metrics.toString());
            assertEquals(List.of(), canaryErrors(run));
        }

        @Test
        void aWrongApiKeyFailsThePageAndTheHandshakeNamingTheKeyAndSkipsTheRest() throws Exception {
            ObjectNode ready = (ObjectNode) JSON.readTree(run.readyFile().toFile());
            ready.put(LocalRunFile.API_KEY, "da2-not-this-apis-key");
            Path wrongKey = Files.writeString(run.readyFile().resolveSibling("ready-wrong-key.json"), ready.toString());

            Cli cli = verify("--local", wrongKey.toString(), "--json");

            assertEquals(SystemCli.CHECK_FAILED, cli.exit(), cli.output());
            JsonNode report = JSON.readTree(cli.output());
            assertTrue(!report.path("passed").asBoolean(), cli.output());
            // The page's config.json carries the run's own key, not the one verify was given.
            JsonNode page = report.path("checks").get(0);
            assertEquals("page", page.path("name").asText());
            assertEquals("FAIL", page.path("status").asText());
            assertTrue(page.path("likelyCause").asText().startsWith("the page would send API key ")
                    && page.path("likelyCause").asText().contains("but the API's is da2-not-th...: the key was replaced"
                            + " after the web stack's deploy"), page.toString());
            JsonNode handshake = report.path("checks").get(1);
            assertEquals("realtime-handshake", handshake.path("name").asText());
            assertEquals("FAIL", handshake.path("status").asText());
            assertTrue(handshake.path("actual").asText().contains("UnauthorizedException"), handshake.toString());
            assertTrue(handshake.path("likelyCause").asText().startsWith("the API key was refused"), handshake.toString());
            for (JsonNode check : report.path("checks")) {
                if (!List.of("page", "realtime-handshake").contains(check.path("name").asText())) {
                    assertEquals("SKIP", check.path("status").asText(), check.toString());
                }
            }
        }

        @Test
        void aRotationIntervalTheSystemDoesNotKeepFailsTheRotationCheckAlone() {
            // Right after a rotation, verify with rotationSeconds=1: it expects a new movie within 2.5 s of
            // subscribing, and the run's next one is 10 s (cdk.json) after the last.
            try (RealtimeSubscriber viewer = run.subscriber()) {
                viewer.subscribe(Operations.ON_CURRENT_MOVIE);
                viewer.awaitNext(Duration.ofSeconds(30));
            }
            Cli cli = verify("--local", run.readyFile().toString(), "--rotation-seconds", "1");

            assertEquals(SystemCli.CHECK_FAILED, cli.exit(), cli.output());
            String rotation = cli.line("movie-rotation");
            assertTrue(rotation.startsWith("FAIL "), cli.output());
            // No movie in the window; the next one may come later, while the other checks still run.
            assertTrue(rotation.matches(".*expected a new movie on onCurrentMovie within 2\\.50 s of subscribing \\(two"
                    + " rotations of 1\\.00 s plus 0\\.50 s\\); got (no movie|the first one after \\d+\\.\\d\\d s);"
                    + " likely cause: the rotation schedule does not run.*"), rotation);
            CHECKS.stream().filter(c -> !c.equals("movie-rotation")).forEach(check -> cli.assertStatus("PASS", check));
        }
    }

    /** On a run of its own ({@link SharedLocalRun} says when): the grants it drops would fail the others. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithoutThePublishersGrants {

        private LocalRunner run;

        @BeforeAll
        void start() throws Exception {
            run = LocalRunner.start("system-verify-denied", List.of("--iam-drop=" + OPERATOR_PUBLISH_TICK + ","
                    + OPERATOR_INVOKE_PRODUCER + "," + BROADCASTER_PUBLISH_REVIEW + "," + CANARY_PUBLISH_TICK,
                    CANARY_EVERY_15_SECONDS.get(0)));
            run.expectRefusals();
        }

        @AfterAll
        void stop() throws Exception {
            if (run != null) {
                run.close();
            }
        }

        @Test
        void theBroadcastChecksFailAsAccessDeniedAndTheReviewCheckAsNotBroadcast() throws Exception {
            Cli cli = verify("--local", run.readyFile().toString());

            assertEquals(SystemCli.CHECK_FAILED, cli.exit(), cli.output());
            for (String check : List.of("ticks-one-per-request", "ticks-aliased", "stale-tick")) {
                String line = cli.line(check);
                assertTrue(line.startsWith("FAIL ") && line.contains("Unauthorized")
                        && line.contains("likely cause: access denied: the caller's IAM identity may not call publishTick"),
                        line);
            }
            String streaming = cli.line("streaming-path");
            assertTrue(streaming.startsWith("FAIL ") && streaming.contains("got HTTP 403 AccessDeniedException: User: ")
                    && streaming.contains("is not authorized to perform: lambda:InvokeFunction on resource:"
                            + " arn:aws:lambda:us-east-1:000000000000:function:tick-producer:live")
                    && streaming.contains("likely cause: access denied: the caller's IAM identity may not"
                            + " lambda:InvokeFunction the producer's live alias"), streaming);
            String review = cli.line("vote-and-review");
            assertTrue(review.startsWith("FAIL ") && review.contains("no onReviews of MEH")
                    && review.contains("likely cause: the vote was counted but not broadcast"), review);
            for (String check : List.of("page", "realtime-handshake", "chat", "movie-rotation")) {
                cli.assertStatus("PASS", check);
            }
            String refusals = run.refusals();
            assertTrue(refusals.contains("publishTick") && refusals.contains("publishReview")
                    && refusals.contains("lambda:InvokeFunction"), refusals);
            System.out.println(cli.output());
        }

        /** The canary without its role's publishTick: a failed run (CanaryPassed 0), not a failed invocation. */
        @Test
        void theCanaryWithoutItsGrantPublishesCanaryPassedZeroAndLogsTheCause() throws Exception {
            JsonNode metrics = firstCanaryMetrics(run);

            assertEquals(0, metrics.path("CanaryPassed").asInt(), metrics.toString());
            assertEquals(1, metrics.path("CanaryChecksFailed").asInt(), metrics.toString());
            assertTrue(metrics.path("CanaryTickLatencyMillis").isMissingNode(), metrics.toString());
            // One ERROR line per failed check of each run so far (the canary runs every 15 s): each the tick batch's.
            List<String> errors = canaryErrors(run);
            assertTrue(!errors.isEmpty(), "the failed check is logged at ERROR");
            for (String error : errors) {
                assertTrue(error.startsWith("FAIL  ticks-aliased") && error.contains("likely cause: access"
                        + " denied: the caller's IAM identity may not call publishTick")
                        && error.contains("the canary: its role's grant"), error);
            }
            String runner = run.output() + Files.readString(run.readyFile().resolveSibling("logs").resolve("runner.log"));
            assertTrue(!runner.contains("canary-schedule: system-canary failed"), "the invocation itself succeeded");
        }
    }
}
