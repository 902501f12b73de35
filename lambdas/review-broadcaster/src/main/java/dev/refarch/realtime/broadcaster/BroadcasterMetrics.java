package dev.refarch.realtime.broadcaster;

import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The batch's counters: one EMF line per invocation through Powertools metrics, service from
 * {@code POWERTOOLS_SERVICE_NAME}. The names are constants so dashboards and alarms use them.
 */
public interface BroadcasterMetrics {

    /** publishReview requests sent (one per batch that changed a row). */
    String BROADCASTS = "ReviewBroadcasts";
    /** Rows sent in those requests. */
    String ROWS_BROADCAST = "ReviewRowsBroadcast";
    /** Stream records folded into a newer record of the same row of the batch (not sent on their own). */
    String CHANGES_COALESCED = "ReviewChangesCoalesced";
    /** Rows AppSync did not accept; the batch is retried from the earliest of them. */
    String ROWS_FAILED = "ReviewRowsFailed";
    /** Milliseconds the batch waited for its turn (the bound of {@code REVIEW_BROADCAST_MILLIS}). */
    String PACING_WAIT_MILLIS = "ReviewBroadcastWaitMillis";

    /** Emits every value of one invocation. */
    void flush(Map<String, Long> values);

    /** Powertools metrics in {@code namespace}. */
    static BroadcasterMetrics powertools(String namespace) {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        return values -> {
            metrics.setNamespace(namespace);
            values.forEach((name, value) -> metrics.addMetric(name, value,
                    name.endsWith("Millis") ? MetricUnit.MILLISECONDS : MetricUnit.COUNT));
            metrics.flush();
        };
    }
}
