package dev.refarch.realtime.consumer;

import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The batch's counters through Powertools metrics: CloudWatch embedded metric format on stdout,
 * namespace from {@link ConsumerConfig#metricsNamespace()}, the
 * {@code Service} dimension from {@code POWERTOOLS_SERVICE_NAME}. Flushed once per invocation.
 */
final class ConsumerMetrics {

    private final Metrics metrics;
    private final String namespace;

    ConsumerMetrics(Metrics metrics, String namespace) {
        this.metrics = metrics;
        this.namespace = namespace;
    }

    /** The Powertools singleton with the configured namespace ({@link ConsumerConfig#metricsNamespace()}). */
    static ConsumerMetrics powertools(String namespace) {
        return new ConsumerMetrics(MetricsFactory.getMetricsInstance(), namespace);
    }

    /** Emits one EMF line with every count. */
    void flush(Map<String, Integer> counts) {
        metrics.setNamespace(namespace);
        counts.forEach((name, value) -> metrics.addMetric(name, value, MetricUnit.COUNT));
        metrics.flush();
    }
}
