package dev.refarch.realtime.consumer;

import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The batch's counters through Powertools metrics: CloudWatch embedded metric format on stdout,
 * namespace from {@code POWERTOOLS_METRICS_NAMESPACE} (default {@code RealtimeRefarch}), the
 * {@code Service} dimension from {@code POWERTOOLS_SERVICE_NAME}. Flushed once per invocation.
 */
final class ConsumerMetrics {

    static final String DEFAULT_NAMESPACE = "RealtimeRefarch";

    private final Metrics metrics;
    private final String namespace;

    ConsumerMetrics(Metrics metrics, String namespace) {
        this.metrics = metrics;
        this.namespace = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
    }

    /** The Powertools singleton, configured from the function's environment. */
    static ConsumerMetrics fromEnv() {
        return new ConsumerMetrics(MetricsFactory.getMetricsInstance(), System.getenv("POWERTOOLS_METRICS_NAMESPACE"));
    }

    /** Emits one EMF line with every count. */
    void flush(Map<String, Integer> counts) {
        metrics.setNamespace(namespace);
        counts.forEach((name, value) -> metrics.addMetric(name, value, MetricUnit.COUNT));
        metrics.flush();
    }
}
