package dev.refarch.realtime.canary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.checks.CheckResult;
import dev.refarch.realtime.checks.SystemVerifier;
import dev.refarch.realtime.checks.VerifyReport;
import dev.refarch.realtime.lambda.testing.TestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SystemCanaryTest {

    /** What a canary published, run by run. */
    private final List<VerifyReport> published = new ArrayList<>();
    private final CanaryMetrics recording = published::add;

    @Test
    void aPassingRunPublishesItsReportWithTheTickLatency() {
        VerifyReport report = new VerifyReport(List.of(
                CheckResult.pass("realtime-handshake", Duration.ofMillis(300), "connected"),
                CheckResult.pass("ticks-aliased", Duration.ofMillis(900), "5 ticks").withLatency(Duration.ofMillis(640)),
                CheckResult.pass("chat", Duration.ofMillis(2100), "both")), Duration.ofSeconds(4));
        VerifyReport run = new SystemCanary(() -> report, recording).run();
        assertSame(report, run);
        assertEquals(List.of(report), published);
        assertEquals(Duration.ofMillis(640), CanaryMetrics.tickLatency(report).orElseThrow());
        assertEquals(640, run.toJson().path("checks").path(1).path("latencyMillis").asLong());
    }

    @Test
    void theCanaryRunsTheChecksThatNeedNoBrowserProducerOrVoteInTheConfiguredForm() {
        assertEquals(EnumSet.of(SystemVerifier.Check.REALTIME_HANDSHAKE, SystemVerifier.Check.TICKS_ALIASED,
                SystemVerifier.Check.CHAT), SystemVerifier.canaryChecks(true));
        assertEquals(EnumSet.of(SystemVerifier.Check.REALTIME_HANDSHAKE, SystemVerifier.Check.TICKS_ONE_PER_REQUEST,
                SystemVerifier.Check.CHAT), SystemVerifier.canaryChecks(false));
    }

    /**
     * The real checks against an API nobody answers: the invocation succeeds (a failed check is a
     * measurement, not an error), the handshake fails naming the endpoint, the rest are skipped, and
     * CanaryPassed is 0 with no latency.
     */
    @Test
    void anUnreachableApiIsAFailedRunNotAFailedInvocation() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        CanaryConfig config = CanaryConfig.fromEnvironment(Map.of(
                "GRAPHQL_URL", "http://127.0.0.1:" + port + "/graphql",
                "REALTIME_URL", "ws://127.0.0.1:" + port + "/graphql",
                "API_KEY", "da2-nobody",
                "MUTATIONS_PER_REQUEST", "25",
                "AWS_REGION", "eu-west-1"));
        SystemCanaryHandler handler = new SystemCanaryHandler(SystemCanary.against(config,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIACANARY", "secret")), recording));

        Map<String, Object> answer = handler.handleRequest(Map.of("source", "aws.events"), new TestContext("system-canary", 120_000));

        assertEquals(false, answer.get("passed"));
        VerifyReport report = published.get(0);
        assertFalse(report.passed());
        CheckResult handshake = report.check("realtime-handshake").orElseThrow();
        assertTrue(handshake.failed());
        assertTrue(handshake.likelyCause().contains("cannot be reached"), handshake.likelyCause());
        assertEquals(CheckResult.Status.SKIP, report.check("ticks-aliased").orElseThrow().status());
        assertEquals(CheckResult.Status.SKIP, report.check("chat").orElseThrow().status());
        assertTrue(CanaryMetrics.tickLatency(report).isEmpty());
    }
}
