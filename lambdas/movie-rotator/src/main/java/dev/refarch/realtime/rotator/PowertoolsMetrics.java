package dev.refarch.realtime.rotator;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Counters and ages through Powertools metrics (EMF on stdout), in the namespace of
 * {@link RotatorConfig#metricsNamespace()}, service from {@code POWERTOOLS_SERVICE_NAME}. Each count is flushed
 * at once: a tick emits a handful, and a failed invocation must not lose them.
 */
public final class PowertoolsMetrics implements RotatorMetrics {

    private final Metrics metrics = MetricsFactory.getMetricsInstance();
    private final String namespace;

    public PowertoolsMetrics(String namespace) {
        this.namespace = java.util.Objects.requireNonNull(namespace, "namespace");
    }

    @Override
    public void count(String metric) {
        metrics.flushSingleMetric(metric, 1, MetricUnit.COUNT, namespace);
    }

    /**
     * Counted by {@code dimension} within the function's own series: Powertools writes the given set as a
     * dimension set of its own, beside the default {@code Service} one, so without {@code Service} in it
     * the count would fall in a series every deployment in the account and Region shares.
     */
    @Override
    public void count(String metric, String dimension, String value) {
        Map<String, String> dimensions = new LinkedHashMap<>(metrics.getDefaultDimensions().getDimensions());
        dimensions.put(dimension, value);
        metrics.flushSingleMetric(metric, 1, MetricUnit.COUNT, namespace, DimensionSet.of(dimensions));
    }

    @Override
    public void seconds(String metric, long seconds) {
        metrics.flushSingleMetric(metric, seconds, MetricUnit.SECONDS, namespace);
    }
}
