package dev.refarch.realtime.cli;

import dev.refarch.realtime.infra.constructs.JavaFunction;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * What one {@code ticks replay} run re-published, sent to CloudWatch with one {@code PutMetricData}
 * in the functions' namespace ({@link JavaFunction#METRICS_NAMESPACE}), so the operations dashboard
 * graphs replays next to the consumer's deliveries. The dimension is the failure bucket, which names
 * the deployment (stages may share an account).
 */
public final class ReplayMetrics {

    /** Ticks the run published. */
    public static final String PUBLISHED = "ReplayedTicks";
    /** Ticks the run sent that AppSync refused as {@code StaleTick} (already delivered). */
    public static final String ALREADY_DELIVERED = "ReplayedStaleTicks";
    /** The dimension: the S3 on-failure bucket the run replayed. */
    public static final String BUCKET_DIMENSION = "FailureBucket";

    private final CloudWatchClient cloudWatch;
    private final Clock clock;

    ReplayMetrics(CloudWatchClient cloudWatch, Clock clock) {
        this.cloudWatch = cloudWatch;
        this.clock = clock;
    }

    /**
     * Publishes the run's counts, zeros included (a run that found nothing shows as a run).
     *
     * @throws software.amazon.awssdk.core.exception.SdkException when CloudWatch did not take them
     */
    void publish(String bucket, TickReplayer.Summary summary) {
        Dimension byBucket = Dimension.builder().name(BUCKET_DIMENSION).value(bucket).build();
        Instant now = clock.instant();
        List<MetricDatum> data = List.of(
                datum(PUBLISHED, summary.published(), byBucket, now),
                datum(ALREADY_DELIVERED, summary.alreadyDelivered(), byBucket, now));
        cloudWatch.putMetricData(r -> r.namespace(JavaFunction.METRICS_NAMESPACE).metricData(data));
    }

    private static MetricDatum datum(String name, int count, Dimension dimension, Instant at) {
        return MetricDatum.builder().metricName(name).dimensions(dimension).value((double) count)
                .unit(StandardUnit.COUNT).timestamp(at).build();
    }
}
