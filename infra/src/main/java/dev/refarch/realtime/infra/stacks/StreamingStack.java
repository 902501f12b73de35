package dev.refarch.realtime.infra.stacks;

import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.constructs.DeadLetterQueue;
import dev.refarch.realtime.infra.constructs.JavaFunction;
import dev.refarch.realtime.infra.constructs.KafkaTopic;
import dev.refarch.realtime.infra.constructs.MskCluster;
import dev.refarch.realtime.infra.constructs.MskTriggeredFunction;
import java.util.Map;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The market ticker: the MSK cluster (with its key, SCRAM secret and association), the ticks
 * topic created at deploy, the scheduled producer, and the consumer fed by an MSK event source
 * mapping that keeps skipped batches whole in S3, publishing ticks through AppSync with IAM and
 * parking poison records in an encrypted queue.
 */
public final class StreamingStack extends Stack {

    public static final String CLUSTER_OUTPUT = "ClusterArn";
    public static final String FAILURE_QUEUE_OUTPUT = "FailureQueueUrl";
    public static final String FAILURE_BUCKET_OUTPUT = "FailureBucketName";
    /** The tick producer's {@code live} alias ARN, which {@code system verify} invokes with a canary event. */
    public static final String PRODUCER_FUNCTION_OUTPUT = "ProducerFunctionArn";

    private JavaFunction producer;
    private JavaFunction topicProvisioner;
    private Rule producerSchedule;
    private Queue producerFailures;
    private Queue producerScheduleFailures;
    private Queue poison;
    private MskTriggeredFunction consumer;

    public StreamingStack(Construct scope, String id, StackProps props, AppConfig config, IVpc vpc, ApiStack api) {
        super(scope, id, props);
        MskCluster msk = new MskCluster(this, "Msk", vpc, config);
        JavaFunction.Network inVpc = new JavaFunction.Network(vpc, msk.clientSecurityGroup());
        KafkaTopic topic = ticksTopic(config, msk, inVpc);
        producerSchedule = producer(config, msk, inVpc);
        producerSchedule.getNode().addDependency(topic);
        poison = poisonQueue(config);
        consumer = consumer(config, msk, api, poison);
        // Poll only once the topic exists (and so SCRAM works).
        consumer.mapping().getNode().addDependency(topic);

        CfnOutput.Builder.create(this, CLUSTER_OUTPUT).value(msk.clusterArn()).description("MSK cluster").build();
        CfnOutput.Builder.create(this, FAILURE_QUEUE_OUTPUT).value(poison.getQueueUrl())
                .description("Poison ticks the consumer parked, with their reasons").build();
        CfnOutput.Builder.create(this, FAILURE_BUCKET_OUTPUT).value(consumer.failureBucket().getBucketName())
                .description("Whole batches the event source mapping skipped after its retries (ticks replay)").build();
        CfnOutput.Builder.create(this, PRODUCER_FUNCTION_OUTPUT).value(producer.alias().getFunctionArn())
                .description("The tick producer's live alias: system verify invokes it with one canary tick").build();
    }

    private KafkaTopic ticksTopic(AppConfig config, MskCluster msk, JavaFunction.Network inVpc) {
        JavaFunction provisioner = new JavaFunction(this, "TopicProvisioner", JavaFunction.Props.builder()
                .definition(Functions.TOPIC_PROVISIONER)
                .description("Creates the ticks topic at deploy (custom resource)")
                .environment(Functions.topicProvisionerEnvironment(msk.bootstrapBrokers(),
                        msk.scramSecret().getSecretArn()))
                .stage(config.stage())
                .deployment(config.prefix())
                .network(inVpc)
                .build());
        msk.scramSecret().grantRead(provisioner.role());
        topicProvisioner = provisioner;
        KafkaTopic topic = new KafkaTopic(this, "TicksTopic", KafkaTopic.Props.builder()
                .provisioner(provisioner)
                .topic(config.topic())
                .partitions(config.topicPartitions())
                .replicas(Math.min(3, config.brokerCount()))
                .stage(config.stage())
                .build());
        // The provisioner authenticates with SCRAM: the secret must be associated first.
        topic.getNode().addDependency(msk.scramAssociation());
        return topic;
    }

    private Rule producer(AppConfig config, MskCluster msk, JavaFunction.Network inVpc) {
        producerFailures = new DeadLetterQueue(this, "ProducerFailures", "the tick producer's runs", config.stage())
                .queue();
        producerScheduleFailures = new DeadLetterQueue(this, "ProducerScheduleFailures",
                "the producer's schedule", config.stage()).queue();
        JavaFunction.Props.Builder producerProps = JavaFunction.Props.builder()
                .definition(Functions.TICK_PRODUCER)
                .description("Publishes stock ticks to MSK, keyed by symbol")
                .environment(Functions.producerEnvironment(msk.bootstrapBrokers(), msk.scramSecret().getSecretArn(),
                        config, Functions.PRODUCER_TICK_INTERVAL_MS))
                .stage(config.stage())
                .deployment(config.prefix())
                .network(inVpc)
                // No async retry of a failed run (Lambda's default is 2). A run emits only within its
                // schedule slot (the event's time plus the run time), so a throttled event that Lambda
                // retries late emits the rest of its slot or nothing, and two runs of one slot emit the
                // same sequences, of which the publishTick resolver delivers one per symbol and round.
                // The minimum event age (60 s) drops a retried event within the minute; a failed or
                // dropped run is recorded in the producer's failure queue.
                .asyncInvocation(new JavaFunction.AsyncInvocation(0, Duration.seconds(60),
                        new SqsDestination(producerFailures)));
        if (config.producerReservedConcurrency()) {
            // Opt-in: Lambda refuses a reservation that leaves less than 100 unreserved concurrency in
            // the account (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
            producerProps.reservedConcurrency(1);
        }
        producer = new JavaFunction(this, "TickProducer", producerProps.build());
        msk.scramSecret().grantRead(producer.role());
        // A minute-old event would overlap the next run: no retries, straight to the dead-letter queue.
        return producer.invokeOnSchedule(this, "ProducerSchedule", "Runs the tick producer every minute (it emits for "
                + Functions.PRODUCER_RUN_SECONDS + " s)", Schedule.rate(Duration.minutes(1)), 0, Duration.seconds(60),
                producerScheduleFailures);
    }

    private Queue poisonQueue(AppConfig config) {
        Queue poison = Queue.Builder.create(this, "FailureQueue")
                // SQS-managed encryption: the consumer needs no KMS permission to park a record.
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .removalPolicy(config.stage().removalPolicy())
                .build();
        Validations.of(poison).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-SQS3")
                .reason("This queue is a dead-letter destination itself: the consumer parks here each record "
                        + "that can never be published, with its reason.")
                .build());
        return poison;
    }

    private MskTriggeredFunction consumer(AppConfig config, MskCluster msk, ApiStack api, Queue poison) {
        MskTriggeredFunction consumer = new MskTriggeredFunction(this, "TickConsumer", MskTriggeredFunction.Props.builder()
                .function(JavaFunction.Props.builder()
                        .definition(Functions.TICK_CONSUMER)
                        .description("Delivers ticks from MSK to AppSync subscribers, in order per partition")
                        .environment(Functions.consumerEnvironment(api.api().api().getGraphqlUrl(),
                                poison.getQueueUrl(), config))
                        .stage(config.stage())
                        .deployment(config.prefix())
                        .build())
                .cluster(msk)
                .topic(config.topic())
                .batchSize(Functions.CONSUMER_BATCH_SIZE)
                .maxBatchingWindow(Duration.seconds(Functions.CONSUMER_BATCHING_WINDOW_SECONDS))
                .pollers(1, 2)
                .retryAttempts(Functions.CONSUMER_RETRY_ATTEMPTS)
                .failureRetentionDays(config.failureRetentionDays())
                .stage(config.stage())
                .build());
        api.api().api().grantMutation(consumer.function().role(), "publishTick");
        poison.grantSendMessages(consumer.function().role());
        return consumer;
    }

    /** The scheduled tick producer. */
    public JavaFunction producer() {
        return producer;
    }

    /** The custom resource function that creates the topic at deploy. */
    public JavaFunction topicProvisioner() {
        return topicProvisioner;
    }

    /** The rule that starts the producer every minute. */
    public Rule producerSchedule() {
        return producerSchedule;
    }

    /** Producer runs that failed or were dropped (Lambda's on-failure destination of the alias). */
    public Queue producerFailures() {
        return producerFailures;
    }

    /** Schedule events EventBridge could not deliver to the producer. */
    public Queue producerScheduleFailures() {
        return producerScheduleFailures;
    }

    /** Poison ticks the consumer parked, with their reasons. */
    public Queue poisonQueue() {
        return poison;
    }

    /** The consumer, its mapping and its failure bucket. */
    public MskTriggeredFunction consumer() {
        return consumer;
    }
}
