package dev.refarch.realtime.canary;

import dev.refarch.realtime.checks.CheckResult;
import dev.refarch.realtime.checks.CheckSettings;
import dev.refarch.realtime.checks.SystemEndpoints;
import dev.refarch.realtime.checks.SystemVerifier;
import dev.refarch.realtime.checks.VerifyReport;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * One canary run: {@link SystemVerifier#canaryChecks} against the deployed API, with the code
 * {@code system verify} runs, as {@link CheckSettings#canary()} (its own symbol and chat author), then
 * the metrics. A failed check does not fail the invocation: it is a measurement, published as
 * {@link CanaryMetrics#PASSED} 0 and logged at ERROR with its expected / got / likely cause line. Only a
 * broken canary (its configuration) fails the invocation, which the function's Errors alarm reports.
 */
public final class SystemCanary {

    private static final Logger LOG = LoggerFactory.getLogger(SystemCanary.class);

    private final Supplier<VerifyReport> checks;
    private final CanaryMetrics metrics;

    /** A canary running {@code checks} (a test's, or {@link #against}'s) and publishing to {@code metrics}. */
    public SystemCanary(Supplier<VerifyReport> checks, CanaryMetrics metrics) {
        this.checks = checks;
        this.metrics = metrics;
    }

    /** The canary of the configured API, signing its ticks with {@code credentials}. */
    public static SystemCanary against(CanaryConfig config, AwsCredentialsProvider credentials, CanaryMetrics metrics) {
        SystemEndpoints endpoints = new SystemEndpoints(config.graphqlUrl(), config.realtimeUrl(), config.apiKey(),
                config.iamGraphqlUrl(), config.region(), credentials);
        SystemVerifier verifier = new SystemVerifier(endpoints, CheckSettings.canary(), Clock.systemUTC());
        return new SystemCanary(() -> verifier.run(SystemVerifier.canaryChecks(config.aliased()), SystemCanary::log),
                metrics);
    }

    /** Runs the checks, publishes the metrics, and returns the report. */
    public VerifyReport run() {
        VerifyReport report = checks.get();
        metrics.publish(report);
        LOG.info("canary {}: {}", report.passed() ? "passed" : "FAILED", report.summary());
        return report;
    }

    private static void log(CheckResult result) {
        String line = VerifyReport.line(result, 0);
        if (result.failed()) {
            LOG.error(line);
        } else {
            LOG.info(line);
        }
    }
}
