package dev.refarch.realtime.canary;

import dev.refarch.realtime.checks.CheckResult;
import dev.refarch.realtime.checks.VerifyReport;
import java.time.Duration;
import java.util.Optional;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * What one canary run publishes: one EMF line through Powertools metrics, service from
 * {@code POWERTOOLS_SERVICE_NAME}. The names are constants so the alarm and the dashboard use them.
 */
public interface CanaryMetrics {

    /** 1 when every check of the run passed, else 0: the alarm fires on two 0s (or two missing runs) in a row. */
    String PASSED = "CanaryPassed";
    /** Checks of the run that failed. */
    String CHECKS_FAILED = "CanaryChecksFailed";
    /** Milliseconds from publishing the canary batch to the subscriber receiving its last tick (when it arrived). */
    String TICK_LATENCY = "CanaryTickLatencyMillis";

    /** Emits the run's values. */
    void publish(VerifyReport report);

    /** The tick batch's publish-to-subscriber latency, if the run measured one. */
    static Optional<Duration> tickLatency(VerifyReport report) {
        return report.checks().stream().map(CheckResult::measuredLatency).flatMap(Optional::stream).findFirst();
    }

    /** Powertools metrics in {@code namespace}. */
    static CanaryMetrics powertools(String namespace) {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        return report -> {
            metrics.setNamespace(namespace);
            metrics.addMetric(PASSED, report.passed() ? 1 : 0, MetricUnit.COUNT);
            metrics.addMetric(CHECKS_FAILED, report.count(CheckResult.Status.FAIL), MetricUnit.COUNT);
            tickLatency(report).ifPresent(latency -> metrics.addMetric(TICK_LATENCY, latency.toMillis(),
                    MetricUnit.MILLISECONDS));
            metrics.flush();
        };
    }
}
