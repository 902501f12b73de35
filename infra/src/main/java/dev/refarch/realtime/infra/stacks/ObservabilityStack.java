package dev.refarch.realtime.infra.stacks;

import dev.refarch.realtime.cli.ReplayMetrics;
import dev.refarch.realtime.cli.TickReplayer;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.OperationsConfig;
import dev.refarch.realtime.infra.constructs.AlarmTopic;
import dev.refarch.realtime.infra.constructs.ApiFirewall;
import dev.refarch.realtime.infra.constructs.ApiKeyRenewal;
import dev.refarch.realtime.infra.constructs.DeadLetterQueue;
import dev.refarch.realtime.infra.constructs.ReviewBroadcaster;
import dev.refarch.realtime.infra.constructs.JavaFunction;
import dev.refarch.realtime.infra.constructs.OperatorPolicy;
import dev.refarch.realtime.infra.constructs.RealtimeApi;
import dev.refarch.realtime.infra.constructs.RunbookAlarms;
import dev.refarch.realtime.infra.constructs.RunbookAlarms.Spec;
import dev.refarch.realtime.infra.constructs.SystemCanary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.ExportValueOptions;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.HorizontalAnnotation;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * Operating the app: one CloudWatch dashboard, the alarms (each with its runbook line) and the
 * encrypted topic they notify, a notice for every batch the consumer's mapping skips into the
 * failure bucket, the abuse limits of the public API (a WAF web ACL), and the daily renewal of
 * its API key. Reads what it watches from the other stacks and changes none of them.
 */
public final class ObservabilityStack extends Stack {

    public static final String DASHBOARD_OUTPUT = "DashboardName";
    public static final String ALARM_TOPIC_OUTPUT = "AlarmTopicArn";
    public static final String OPERATOR_POLICY_OUTPUT = "OperatorPolicyArn";

    private static final Duration MINUTE = Duration.minutes(1);
    private static final Duration FIVE_MINUTES = Duration.minutes(5);
    /** The rotator's {@code RotatorMetrics.CURRENT_MOVIE_AGE}: seconds the movie on screen has been current. */
    static final String CURRENT_MOVIE_AGE = "CurrentMovieAgeSeconds";
    /** The canary's {@code CanaryMetrics.PASSED}: 1 when every check of a run passed. */
    static final String CANARY_PASSED = "CanaryPassed";
    /** The canary's {@code CanaryMetrics.TICK_LATENCY}. */
    static final String CANARY_TICK_LATENCY = "CanaryTickLatencyMillis";

    private final RunbookAlarms alarms;
    private final ITopic topic;
    private final List<List<IWidget>> rows = new ArrayList<>();

    /**
     * @param streaming the streaming stack, or null when {@code streaming=off}
     */
    public ObservabilityStack(Construct scope, String id, StackProps props, AppConfig config,
                              OperationsConfig ops, ApiStack api, MoviesStack movies, StreamingStack streaming) {
        super(scope, id, props);
        topic = new AlarmTopic(this, "AlarmTopic", ops.alarmEmail(), config.stage()).topic();
        alarms = new RunbookAlarms(this, "Alarms", topic);

        apiRow(config, ops, api);
        moviesRow(config, ops, movies, api);
        if (streaming != null) {
            tickerRows(config, ops, streaming);
        }
        ApiKeyRenewal renewal = new ApiKeyRenewal(this, "ApiKeyRenewal", api.api().api(), api.api().apiKey(),
                config.apiKeyExpiryDays(), config.stage(), config.prefix());
        SystemCanary canary = ops.canary() ? canaryRow(config, ops, api) : null;
        Map<String, JavaFunction> functions = new LinkedHashMap<>();
        functions.put("ApiKeyRenewer", renewal.function());
        if (canary != null) {
            functions.put("SystemCanary", canary.function());
        }
        functions.put("Rotator", movies.rotator());
        functions.put("ReviewBroadcaster", api.reviewBroadcaster().function());
        if (streaming != null) {
            functions.put("Producer", streaming.producer());
            functions.put("Consumer", streaming.consumer().function());
            functions.put("TopicProvisioner", streaming.topicProvisioner());
        }
        functionRow(functions);

        Map<String, IQueue> queues = new LinkedHashMap<>();
        queues.put("ApiKeyRenewalFailures", renewal.failures());
        queues.put("ApiKeyRenewalScheduleFailures", renewal.scheduleFailures());
        queues.put("RotationScheduleFailures", movies.schedule().failures());
        queues.put("ReviewBroadcastFailures", api.reviewBroadcaster().failures());
        if (canary != null) {
            queues.put("SystemCanaryFailures", canary.failures());
        }
        if (streaming != null) {
            queues.put("ProducerScheduleFailures", streaming.producerScheduleFailures());
            queues.put("ProducerFailures", streaming.producerFailures());
            queues.put("PoisonTicks", streaming.poisonQueue());
        }
        queueRow(queues);

        Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(config.prefix() + "-operations")
                .defaultInterval(Duration.hours(3))
                .build();
        dashboard.addWidgets(AlarmStatusWidget.Builder.create()
                .title("Alarms")
                .alarms(alarms.all())
                .width(24)
                .height(3)
                .build());
        rows.forEach(row -> dashboard.addWidgets(row.toArray(IWidget[]::new)));

        CfnOutput.Builder.create(this, DASHBOARD_OUTPUT).value(config.prefix() + "-operations")
                .description("The CloudWatch dashboard").build();
        OperatorPolicy.Replay replay = null;
        if (streaming != null) {
            // Named as the app names every export (stack:logical id + attribute), and known here for the
            // acknowledgement of the policy's bucket/* resource.
            IBucket bucket = streaming.consumer().failureBucket();
            String export = streaming.getStackName() + ":ExportsOutputFnGetAtt"
                    + streaming.resolve(streaming.getLogicalId((CfnElement) bucket.getNode().getDefaultChild())) + "Arn";
            replay = new OperatorPolicy.Replay(streaming.exportValue(bucket.getBucketArn(),
                    ExportValueOptions.builder().name(export).build()), export, streaming.getStackName(),
                    streaming.exportValue(streaming.producer().alias().getFunctionArn()));
        }
        // The web stack is named as RealtimeApp names it (<prefix>-web), and as system verify finds it.
        OperatorPolicy operator = new OperatorPolicy(this, "OperatorPolicy", api.reviewsTable(), api.api().api(),
                api.getStackName(), config.prefix() + "-web", replay);
        CfnOutput.Builder.create(this, OPERATOR_POLICY_OUTPUT).value(operator.policy().getManagedPolicyArn())
                .description("Attach to the role that runs the CLI tasks (reviews seed, ticks replay, system verify)").build();
        CfnOutput.Builder.create(this, ALARM_TOPIC_OUTPUT).value(topic.getTopicArn())
                .description("Every alarm notifies this topic: subscribe your pager or e-mail (-c alarmEmail=...)").build();
    }

    private void apiRow(AppConfig config, OperationsConfig ops, ApiStack api) {
        Map<String, String> byApi = Map.of("GraphQLAPIId", api.api().api().getApiId());
        // AppSync's Requests counts the requests of all APIs of the account by Region, so it has no
        // per-API series; every request this API answers has one Latency value, so their number
        // (SampleCount) is the API's own request count
        // (https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html, "CloudWatch metrics").
        Metric requests = metric("AWS/AppSync", "Latency", byApi, "SampleCount", FIVE_MINUTES)
                .with(MetricOptions.builder().label("requests").build());
        Metric errors4xx = metric("AWS/AppSync", "4XXError", byApi, "Sum", FIVE_MINUTES);
        Metric errors5xx = metric("AWS/AppSync", "5XXError", byApi, "Sum", FIVE_MINUTES);
        // A rate needs enough requests to mean something: below 20 in 5 minutes it reads 0.
        MathExpression rate5xx = MathExpression.Builder.create()
                .expression("IF(requests >= 20, 100 * FILL(errors, 0) / requests, 0)")
                // Sorted maps here and below: Map.of's order changes with every JVM, and the template with it.
                .usingMetrics(new TreeMap<>(Map.of("requests", requests, "errors", errors5xx)))
                .label("5xx, % of requests")
                .period(FIVE_MINUTES)
                .build();
        alarms.add(Spec.of("AppSync5xxRate", rate5xx,
                "AppSync answered " + ops.appSync5xxPercent() + "% or more of requests with 5xx for 5 minutes: check "
                        + "the AWS Health Dashboard for AppSync, then the API's error log group and the "
                        + "DynamoDB tables' throttles.").atLeast(ops.appSync5xxPercent()));
        // AppSync's per-resolver metrics, on for these two resolvers alone (RealtimeApi.MEASURED_MUTATIONS).
        String apiId = api.api().api().getApiId();
        List<IMetric> votesAndChat = List.of(
                resolverMetric(apiId, RealtimeApi.VOTE_FIELD, "Requests", "votes"),
                resolverMetric(apiId, RealtimeApi.VOTE_FIELD, "GraphQLError", "votes refused"),
                resolverMetric(apiId, RealtimeApi.CHAT_FIELD, "Requests", "chat messages"),
                resolverMetric(apiId, RealtimeApi.CHAT_FIELD, "GraphQLError", "chat messages refused"));
        List<IWidget> row = new ArrayList<>(List.of(
                graph("AppSync requests and errors (5 min)", List.of(requests, errors4xx, errors5xx)),
                graph("AppSync latency (ms)", List.of(
                        metric("AWS/AppSync", "Latency", byApi, "p50", FIVE_MINUTES),
                        metric("AWS/AppSync", "Latency", byApi, "p99", FIVE_MINUTES))),
                graph("Votes and chat messages per minute (a vote may carry several clicks)", votesAndChat)));
        if (ops.waf()) {
            String webAcl = config.prefix() + "-api";
            new ApiFirewall(this, "ApiFirewall", api.api().api(), webAcl, ops.wafRateLimit(), config.stage());
            Map<String, String> byRule = new TreeMap<>(Map.of("WebACL", webAcl, "Region", getRegion(),
                    "Rule", ApiFirewall.RATE_RULE));
            row.add(graph("WAF: blocked by the rate limit (" + ops.wafRateLimit() + " API-key requests / 5 min / IP)",
                    List.of(metric("AWS/WAFV2", "BlockedRequests", byRule, "Sum", FIVE_MINUTES))));
        }
        rows.add(row);
    }

    /**
     * The system canary ({@link SystemCanary}), its alarm (two failed or missing runs in a row) and its row:
     * whether each run passed, and how long a canary tick took from publishing to its subscriber.
     */
    private SystemCanary canaryRow(AppConfig config, OperationsConfig ops, ApiStack api) {
        SystemCanary canary = new SystemCanary(this, "SystemCanary", api.api().api(), api.api().realtimeUrl(),
                api.api().apiKey().getAttrApiKey(), config.mutationsPerRequest(), ops.canaryMinutes(), config.stage(),
                config.prefix());
        String service = canary.function().serviceName();
        Duration interval = Duration.minutes(ops.canaryMinutes());
        Metric passed = metric(Functions.METRICS_NAMESPACE, CANARY_PASSED, Map.of(Functions.SERVICE_DIMENSION, service),
                "Minimum", interval).with(MetricOptions.builder().label("passed (1) or failed (0)").build());
        alarms.add(Spec.of("CanaryFailed", passed,
                "The system canary failed, or did not run, twice in a row (every " + ops.canaryMinutes() + " min): "
                        + "viewers may see an empty page or no live updates. Read the SystemCanary log group's ERROR "
                        + "lines (one per failed check: expected, got, likely cause), then run `system verify` for "
                        + "the whole table.").below(1).forPeriods(2).missingDataBreaches());
        rows.add(List.of(
                graph("System canary: passed (1) or failed (0), every " + ops.canaryMinutes() + " min", List.of(passed)),
                graph("System canary: canary tick, publish to subscriber (ms)", List.of(
                        metric(Functions.METRICS_NAMESPACE, CANARY_TICK_LATENCY,
                                Map.of(Functions.SERVICE_DIMENSION, service), "Maximum", interval)))));
        return canary;
    }

    private void moviesRow(AppConfig config, OperationsConfig ops, MoviesStack movies, ApiStack api) {
        String service = movies.rotator().serviceName();
        Metric rotations = app("Rotations", service, MINUTE);
        // The window in which at least one rotation must complete, in whole minutes (CloudWatch periods).
        int windowSeconds = ops.rotationsMissed() * config.rotationSeconds();
        Duration window = Duration.minutes(Math.max(1, (windowSeconds + 59) / 60));
        alarms.add(Spec.of("RotationsStopped", app("Rotations", service, window),
                "No movie rotation completed in " + window.toMinutes() + " min (" + ops.rotationsMissed() + " x "
                        + config.rotationSeconds() + " s): the current movie is going stale. Check the TMDb key "
                        + "(TmdbKeyMissing, SecretFailures, TmdbFailures on the dashboard), the rotator's log group, "
                        + "and the state machine's executions.").below(1).missingDataBreaches());
        rows.add(List.of(
                graph("Rotations per minute (expected " + Math.max(1, 60 / config.rotationSeconds()) + ")", List.of(
                        rotations,
                        app("AbandonedRotations", service, MINUTE),
                        app("StaleRotations", service, MINUTE),
                        app("TmdbKeyMissing", service, MINUTE),
                        MathExpression.Builder.create()
                                .expression("SEARCH('{" + Functions.METRICS_NAMESPACE + ",Kind,"
                                        + Functions.SERVICE_DIMENSION + "} MetricName=\"TmdbFailures\" "
                                        + Functions.SERVICE_DIMENSION + "=\"" + service + "\"', 'Sum', 60)")
                                .label("TMDb failures")
                                .period(MINUTE)
                                .build())),
                graph("Review broadcasts per minute (at most " + (60_000 / Math.max(1, config.reviewBroadcastMillis()))
                        + " per shard)", List.of(app(ReviewBroadcaster.BROADCASTS_METRIC,
                                api.reviewBroadcaster().function().serviceName(), MINUTE))),
                GraphWidget.Builder.create()
                        .title("Age of the current movie (s, max per minute)")
                        .left(List.of(metric(Functions.METRICS_NAMESPACE, CURRENT_MOVIE_AGE,
                                Map.of(Functions.SERVICE_DIMENSION, service), "Maximum", MINUTE).with(MetricOptions.builder()
                                .label("on screen for").build())))
                        .leftAnnotations(List.of(
                                HorizontalAnnotation.builder().value(config.rotationSeconds())
                                        .label("expected (rotationSeconds)").build(),
                                HorizontalAnnotation.builder().value(windowSeconds)
                                        .label("RotationsStopped window").build()))
                        .width(6).height(6).build()));
    }

    private void tickerRows(AppConfig config, OperationsConfig ops, StreamingStack streaming) {
        String producer = streaming.producer().serviceName();
        String consumer = streaming.consumer().function().serviceName();
        Metric published = app("TicksPublished", producer, MINUTE);
        Metric delivered = app("RecordsDelivered", consumer, MINUTE);
        Metric stale = app("StaleTicks", consumer, MINUTE);
        Metric parked = app("PoisonRecords", consumer, MINUTE);
        // Stale ticks were delivered before (a retry or a replay): they count as flowing.
        MathExpression stopped = MathExpression.Builder.create()
                .expression("IF(FILL(published, 0) > 0 AND FILL(delivered, 0) + FILL(stale, 0) == 0, 1, 0)")
                .usingMetrics(new TreeMap<>(Map.of("published", published, "delivered", delivered, "stale", stale)))
                .label("producer publishes, nothing delivered")
                .period(MINUTE)
                .build();
        alarms.add(Spec.of("TicksStopped", stopped,
                "The producer published ticks but the consumer delivered none for " + ops.ticksStoppedMinutes()
                        + " min. Check the consumer's Errors and OffsetLag, its log group (AppSync throttling or "
                        + "outage), and the event source mapping's state (lambda get-event-source-mapping).")
                .forPeriods(ops.ticksStoppedMinutes()));

        Metric lag = Metric.Builder.create()
                .namespace("AWS/Lambda")
                .metricName("OffsetLag")
                .dimensionsMap(Map.of("FunctionName", streaming.consumer().function().function().getFunctionName()))
                // Lambda reports OffsetLag for the whole topic, not per partition
                // (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html, "Event source
                // mapping metrics"): each value is already the sum over partitions, so the minute's
                // average is the topic's lag in that minute.
                .statistic("Average")
                .period(MINUTE)
                .label("offset lag of the topic (all partitions)")
                .build();
        alarms.add(Spec.of("ConsumerLagHigh", lag,
                "The consumer is more than " + ops.consumerLagRecords() + " records behind on the topic (all "
                        + "partitions together) for 5 min. Check AppSync latency and 5xx, the consumer's Duration against its timeout, and "
                        + "its PartitionsFailed; raise maximum pollers if it is merely slow.")
                .above(ops.consumerLagRecords()).forPeriods(5));
        alarms.add(Spec.of("ConsumerLagGrowing", MathExpression.Builder.create()
                        .expression("RATE(lag)")
                        .usingMetrics(Map.of("lag", lag))
                        .label("offset lag growth (records/s)")
                        .period(MINUTE)
                        .build(),
                "The consumer's offset lag has grown every minute for 15 min: it is falling behind. Same checks "
                        + "as ConsumerLagHigh.").above(0).forPeriods(15));

        Metric duration = streaming.consumer().function().function().metricDuration(
                MetricOptions.builder()
                        .statistic("Maximum").period(MINUTE).build());
        rows.add(List.of(
                graph("Ticks per minute: produced, delivered, stale, parked", List.of(published, delivered, stale,
                        parked)),
                GraphWidget.Builder.create()
                        .title("Consumer offset lag")
                        .left(List.of(lag))
                        .leftAnnotations(List.of(HorizontalAnnotation.builder()
                                .value(ops.consumerLagRecords()).label("alarm").build()))
                        .width(6).height(6).build(),
                GraphWidget.Builder.create()
                        .title("Consumer duration (max) against its timeout")
                        .left(List.of(duration))
                        .leftAnnotations(List.of(HorizontalAnnotation.builder()
                                .value(Functions.TICK_CONSUMER.timeoutSeconds() * 1000).label("timeout").build()))
                        .width(6).height(6).build(),
                graph("Ticks replayed by `ticks replay` (per run)", List.of(
                        replayMetric(ReplayMetrics.PUBLISHED, "published", streaming),
                        replayMetric(ReplayMetrics.ALREADY_DELIVERED, "already delivered (StaleTick)", streaming)))));

        skippedBatchNotices(config, streaming);
    }

    /**
     * A notice per object the mapping writes to the failure bucket (a skipped batch): S3 sends
     * object-created events to EventBridge, a rule forwards each to the topic. Chosen over S3's
     * NumberOfObjects, a daily storage metric that would report a skipped batch up to a day late.
     */
    private void skippedBatchNotices(AppConfig config, StreamingStack streaming) {
        String bucket = streaming.consumer().failureBucket().getBucketName();
        DeadLetterQueue undelivered = new DeadLetterQueue(this, "SkippedBatchNoticeFailures",
                "the skipped-batch notices", config.stage());
        Rule rule = Rule.Builder.create(this, "SkippedBatchNotices")
                .description("Notifies the alarm topic of each batch the consumer's mapping skipped into S3")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.s3"))
                        .detailType(List.of("Object Created"))
                        // S3 also reports the copies `ticks replay` makes under its prefix as "Object
                        // Created" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html):
                        // a replayed batch is not skipped again.
                        .detail(Map.of("bucket", Map.of("name", List.of(bucket)),
                                "object", Map.of("key", List.of(Map.of("anything-but",
                                        Map.of("prefix", TickReplayer.REPLAYED_PREFIX))))))
                        .build())
                .targets(List.of(SnsTopic.Builder.create(topic)
                        .message(RuleTargetInput.fromText("The consumer's event source mapping skipped a batch after "
                                + "its retries; it is kept whole at s3://" + EventField.fromPath("$.detail.bucket.name")
                                + "/" + EventField.fromPath("$.detail.object.key") + ". Runbook: docs/operations.md, "
                                + "\"SkippedBatch\": fix the cause, then run `ticks replay`."))
                        .retryAttempts(10)
                        .maxEventAge(Duration.hours(24))
                        .deadLetterQueue(undelivered.queue())
                        .build()))
                .build();
        alarmOnQueue("SkippedBatchNoticeFailures", undelivered.queue(),
                "A skipped-batch notice could not be published to the alarm topic: list the failure bucket "
                        + "(FailureBucketName output of the streaming stack) and follow \"SkippedBatch\".");
        rows.add(List.of(graph("Batches skipped into the failure bucket", List.of(Metric.Builder.create()
                .namespace("AWS/Events")
                .metricName("MatchedEvents")
                .dimensionsMap(Map.of("RuleName", rule.getRuleName()))
                .statistic("Sum")
                .period(FIVE_MINUTES)
                .build()))));
    }

    private void functionRow(Map<String, JavaFunction> functions) {
        List<IMetric> errors = new ArrayList<>();
        List<IMetric> throttles = new ArrayList<>();
        functions.forEach((name, function) -> {
            Metric functionErrors = function.function().metricErrors(options(name));
            Metric functionThrottles = function.function().metricThrottles(options(name));
            errors.add(functionErrors);
            throttles.add(functionThrottles);
            alarms.add(Spec.of(name + "Errors", functionErrors,
                    "The " + name + " function failed at least once in 5 minutes. Read its log group's ERROR lines "
                            + "(Logs Insights: filter level = \"ERROR\") for the cause."));
            alarms.add(Spec.of(name + "Throttles", functionThrottles,
                    "Lambda throttled the " + name + " function in the last 5 minutes: check the account's "
                            + "concurrency (ConcurrentExecutions) and the function's reserved concurrency."));
        });
        rows.add(List.of(graph("Function errors (5 min)", errors), graph("Function throttles (5 min)", throttles)));
    }

    private void queueRow(Map<String, IQueue> queues) {
        List<IMetric> visible = new ArrayList<>();
        queues.forEach((name, queue) -> visible.add(alarmOnQueue(name, queue, switch (name) {
            case "PoisonTicks" -> "The consumer parked ticks it can never publish, with their reasons: read them "
                    + "(sqs receive-message on FailureQueueUrl), fix the producer or the validator, then purge.";
            case "ApiKeyRenewalFailures" -> "Renewing the public API key failed after Lambda's retries (the message "
                    + "holds the error): read the ApiKeyRenewer log group, fix the cause (often IAM), then invoke the "
                    + "renewer's live alias once. The key lapses when its expiry passes (ApiKey output, aws appsync "
                    + "list-api-keys).";
            case "ReviewBroadcastFailures" -> "A batch of Reviews stream records could not be broadcast after its "
                    + "retries (the message names the shard and sequence numbers): viewers' counts caught up at the "
                    + "next vote or rotation; read the ReviewBroadcaster log group for the cause (AppSync errors, "
                    + "IAM), fix it, then purge.";
            case "SystemCanaryFailures" -> "A system canary invocation failed, was dropped or could not be started (the"
                    + " message holds the error): a failed check does not fail an invocation, so this is the canary"
                    + " itself (its environment, its timeout); read the SystemCanary log group, fix it, then purge.";
            case "ProducerFailures" -> "A producer run failed or was dropped (the message holds the error): read the "
                    + "producer's log group for that run; the next minute's run starts on its own.";
            default -> "EventBridge could not start a scheduled run (the message carries the error code and "
                    + "message): fix the target's permission or quota; the next scheduled run starts on its own.";
        })));
        rows.add(List.of(graph("Failure queues: visible messages", visible)));
    }

    private IMetric alarmOnQueue(String name, IQueue queue, String runbook) {
        Metric visible = queue.metricApproximateNumberOfMessagesVisible(MetricOptions
                .builder().statistic("Maximum").period(FIVE_MINUTES).label(name).build());
        alarms.add(Spec.of(name, visible, runbook));
        return visible;
    }

    private static MetricOptions options(String label) {
        return MetricOptions.builder()
                .statistic("Sum").period(FIVE_MINUTES).label(label).build();
    }

    /**
     * One of AppSync's per-resolver metrics of one mutation, found by a search: the API's id, the metric
     * name and the field name, which AppSync records with the resolver
     * (https://docs.aws.amazon.com/appsync/latest/APIReference/API_EnhancedMetricsConfig.html: "recorded
     * by API ID and resolver name").
     */
    private static MathExpression resolverMetric(String apiId, String field, String metricName, String label) {
        return MathExpression.Builder.create()
                .expression("SEARCH('GraphQLAPIId=\"" + apiId + "\" MetricName=\"" + metricName + "\" " + field
                        + "', 'Sum', 60)")
                .label(label)
                .period(MINUTE)
                .build();
    }

    /** What a {@code ticks replay} run published ({@link ReplayMetrics}), by the failure bucket it replayed. */
    private static Metric replayMetric(String name, String label, StreamingStack streaming) {
        return metric(JavaFunction.METRICS_NAMESPACE, name, Map.of(ReplayMetrics.BUCKET_DIMENSION,
                streaming.consumer().failureBucket().getBucketName()), "Sum", MINUTE).with(MetricOptions.builder()
                .label(label).build());
    }

    /** A Powertools (EMF) metric of the app's functions: namespace and {@code Service} as they emit them. */
    private static Metric app(String name, String service, Duration period) {
        return metric(Functions.METRICS_NAMESPACE, name, Map.of(Functions.SERVICE_DIMENSION, service), "Sum", period);
    }

    private static Metric metric(String namespace, String name, Map<String, String> dimensions, String statistic,
                                 Duration period) {
        return Metric.Builder.create()
                .namespace(namespace)
                .metricName(name)
                .dimensionsMap(dimensions)
                .statistic(statistic)
                .period(period)
                .build();
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(List.copyOf(metrics)).width(6).height(6).build();
    }

    /** The topic every alarm notifies. */
    public ITopic alarmTopic() {
        return topic;
    }
}
