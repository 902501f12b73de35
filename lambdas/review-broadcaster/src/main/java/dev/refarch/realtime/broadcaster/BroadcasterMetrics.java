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

    /** publishReviews boards sent (at most one per batch that changed a row). */
    String BROADCASTS = "ReviewBroadcasts";
    /** Rows sent through publishReview (for onReview) after those boards. */
    String ROWS_BROADCAST = "ReviewRowsBroadcast";
    /** Stream records of the batch beyond the first: folded into its one broadcast, not sent on their own. */
    String CHANGES_COALESCED = "ReviewChangesCoalesced";
    /** Rows AppSync did not accept (all of a board it refused); the batch is retried. */
    String ROWS_FAILED = "ReviewRowsFailed";
    /** Batches that sent nothing because a broadcast taken after their records were written covers them. */
    String COVERED = "ReviewBatchesCovered";
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
