package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.graphql.TableContract.Movies;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.Stage;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.appsync.GraphqlApi;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The review broadcaster: a {@link JavaFunction} on the Reviews table's stream (new images) that,
 * when rows changed, publishes every reaction's total as one {@code publishReviews} message (and one
 * {@code publishReview} per reaction for {@code onReview}), at most once per
 * {@code reviewBroadcastMillis}, the only caller of those mutations.
 *
 * <p>The mapping, and why (services-ddb-params.html, read 2026-12-01):
 * <ul>
 *   <li>ParallelizationFactor 1: one batch per shard at a time; whatever the shard count, the
 *       broadcast slot in the Movies table lets one batch per interval broadcast for the whole table,
 *       and the others finish covered by it;</li>
 *   <li>no batching window (its granularity is a whole second): the function waits out the
 *       sub-second remainder itself, while the next batch gathers in the shard;</li>
 *   <li>BatchSize {@value #BATCH_SIZE} (the maximum): a batch must hold every record written
 *       during one interval, or the stream falls behind;</li>
 *   <li>ReportBatchItemFailures, bisect on error, {@value #RETRY_ATTEMPTS} retries and a
 *       {@value #MAX_RECORD_AGE_SECONDS} s record age: a newer record of a row supersedes an old
 *       one, so an old record that keeps failing is worth little; what is given up goes, as
 *       metadata (shard and sequence numbers), to an encrypted SQS queue.</li>
 * </ul>
 */
public final class ReviewBroadcaster extends Construct {

    public static final int BATCH_SIZE = 10_000;
    public static final int RETRY_ATTEMPTS = 5;
    public static final int MAX_RECORD_AGE_SECONDS = 300;
    /** The metric the function writes per broadcast (dashboards and alarms read it). */
    public static final String BROADCASTS_METRIC = "ReviewBroadcasts";

    private final JavaFunction function;
    private final Queue failures;

    /** What the broadcaster reads and where it publishes. */
    public record Props(Table reviewsTable, Table moviesTable, GraphqlApi api, int broadcastMillis, int mutationsPerRequest, Stage stage,
                        String deployment, int voteShards) {
        public Props {
            Objects.requireNonNull(reviewsTable, "reviewsTable");
            Objects.requireNonNull(moviesTable, "moviesTable");
            Objects.requireNonNull(deployment, "deployment");
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(stage, "stage");
        }
    }

    public ReviewBroadcaster(Construct scope, String id, Props props) {
        super(scope, id);
        if (props.reviewsTable().getTableStreamArn() == null) {
            throw new IllegalArgumentException("the Reviews table needs a stream (NEW_IMAGE)");
        }
        function = new JavaFunction(this, "Function", JavaFunction.Props.builder()
                .definition(Functions.REVIEW_BROADCASTER)
                .description("Broadcasts every reaction's review as one message when the Reviews table changed, at a bounded rate")
                .environment(Functions.broadcasterEnvironment(props.api().getGraphqlUrl(), props.broadcastMillis(),
                        props.mutationsPerRequest(), props.reviewsTable().getTableName(), props.voteShards(),
                        props.moviesTable().getTableName()))
                .stage(props.stage())
                .deployment(props.deployment())
                .build());
        // publishReviews for onReviews (the page), publishReview for onReview (clients written before it).
        props.api().grantMutation(function.role(), "publishReviews", "publishReview");
        // With voteShards > 1 a changed reaction's total is the sum of its shards, read in one
        // BatchGetItem. Granted at any shard count, so the policy (and the local run's export of it)
        // does not depend on the configuration; with one shard the function reads nothing.
        props.reviewsTable().grant(function.role(), "dynamodb:BatchGetItem");
        // The broadcast slot (TableContract.Movies.BROADCAST_SLOT): a consistent read and one conditional
        // write per broadcast, shared by every environment, so one broadcast per interval for the table.
        // On that item only (dynamodb:LeadingKeys, the partition key of the items a request names), not on
        // the current movie or the catalog: ForAllValues, as IAM requires for the multivalued key, with Null
        // false, since ForAllValues alone also holds for a request that names no key
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
        function.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"))
                .resources(List.of(props.moviesTable().getTableArn()))
                // Sorted, so the template is the same from one synth to the next.
                .conditions(new java.util.TreeMap<>(Map.of(
                        "ForAllValues:StringEquals", Map.of("dynamodb:LeadingKeys", List.of(Movies.BROADCAST_SLOT)),
                        "Null", Map.of("dynamodb:LeadingKeys", "false"))))
                .build());

        failures = Queue.Builder.create(this, "FailureQueue")
                // SQS-managed encryption: Lambda's mapping sends with the function's role, no KMS grant needed.
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .removalPolicy(props.stage().removalPolicy())
                .build();
        Validations.of(failures).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-SQS3")
                .reason("This queue is the stream mapping's on-failure destination itself: it receives the "
                        + "shard and sequence numbers of the batches the broadcaster gave up on.")
                .build());

        function.alias().addEventSource(DynamoEventSource.Builder.create(props.reviewsTable())
                .startingPosition(StartingPosition.LATEST)
                .batchSize(BATCH_SIZE)
                .parallelizationFactor(1)
                .bisectBatchOnError(true)
                .retryAttempts(RETRY_ATTEMPTS)
                .maxRecordAge(Duration.seconds(MAX_RECORD_AGE_SECONDS))
                .reportBatchItemFailures(true)
                .onFailure(new SqsDlq(failures))
                .build());
    }

    public JavaFunction function() {
        return function;
    }

    /** The stream mapping's on-failure destination. */
    public Queue failures() {
        return failures;
    }
}
