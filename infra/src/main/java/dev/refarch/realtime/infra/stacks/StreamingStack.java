package dev.refarch.realtime.infra.stacks;

import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.constructs.JavaFunction;
import dev.refarch.realtime.infra.constructs.KafkaTopic;
import dev.refarch.realtime.infra.constructs.MskCluster;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.iam.CfnRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.ManagedKafkaEventSource;
import software.amazon.awscdk.services.lambda.eventsources.ProvisionedPollerConfig;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The market ticker: the MSK cluster (with its key, SCRAM secret and association), the ticks
 * topic created at deploy, the scheduled producer, and the consumer on an MSK event source
 * mapping (SASL/SCRAM, provisioned pollers, partial batch responses, bounded retries, an
 * encrypted failure queue) that publishes ticks through AppSync with IAM.
 */
public final class StreamingStack extends Stack {

    public static final String CLUSTER_OUTPUT = "ClusterArn";
    public static final String FAILURE_QUEUE_OUTPUT = "FailureQueueUrl";

    public StreamingStack(Construct scope, String id, StackProps props, AppConfig config, IVpc vpc, ApiStack api) {
        super(scope, id, props);
        MskCluster msk = new MskCluster(this, "Msk", vpc, config);
        JavaFunction.Network inVpc = new JavaFunction.Network(vpc, msk.clientSecurityGroup());
        int replicas = Math.min(3, config.brokerCount());

        JavaFunction topics = new JavaFunction(this, "TopicProvisioner", new JavaFunction.Props(
                KafkaTopic.MODULE,
                KafkaTopic.HANDLER,
                "Creates the ticks topic at deploy (custom resource)",
                KafkaTopic.timeout(),
                Map.of("BOOTSTRAP_SERVERS", msk.bootstrapBrokers(),
                        "SCRAM_SECRET_ARN", msk.scramSecret().getSecretArn()),
                config.stage(), inVpc));
        msk.scramSecret().grantRead(topics.role());
        KafkaTopic topic = new KafkaTopic(this, "TicksTopic", topics, config.topic(), config.topicPartitions(),
                replicas, config.stage());
        // The provisioner authenticates with SCRAM: the secret must be associated first.
        topic.getNode().addDependency(msk.scramAssociation());

        JavaFunction producer = new JavaFunction(this, "TickProducer", new JavaFunction.Props(
                "msk-producer",
                "dev.refarch.realtime.producer.TickProducerHandler::handleRequest",
                "Publishes stock ticks to MSK, keyed by symbol",
                Duration.seconds(60),
                Map.of("BOOTSTRAP_SERVERS", msk.bootstrapBrokers(),
                        "SCRAM_SECRET_ARN", msk.scramSecret().getSecretArn(),
                        "TOPIC", config.topic(),
                        "SYMBOLS", String.join(",", config.symbols()),
                        "TICK_INTERVAL_MS", "1000",
                        "RUN_SECONDS", "50"),
                config.stage(), inVpc));
        msk.scramSecret().grantRead(producer.role());
        Rule schedule = Rule.Builder.create(this, "ProducerSchedule")
                .description("Runs the tick producer every minute (it emits for 50 s)")
                .schedule(Schedule.rate(Duration.minutes(1)))
                .targets(List.of(LambdaFunction.Builder.create(producer.alias()).retryAttempts(0).build()))
                .build();
        schedule.getNode().addDependency(topic);

        Queue failures = Queue.Builder.create(this, "FailureQueue")
                // SQS-managed encryption: senders need no KMS permissions (a customer key would
                // make every sender, the event source mapping included, hold kms:GenerateDataKey*).
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .removalPolicy(config.stage().removalPolicy())
                .build();
        Validations.of(failures).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-SQS3")
                .reason("This queue is the dead-letter destination itself: the consumer parks poison records "
                        + "here with their reason, and the event source mapping sends batches that exhausted "
                        + "their retries.")
                .build());

        JavaFunction consumer = new JavaFunction(this, "TickConsumer", new JavaFunction.Props(
                "msk-consumer",
                "dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest",
                "Delivers ticks from MSK to AppSync subscribers, in order per partition",
                Duration.seconds(60),
                Map.of("GRAPHQL_URL", api.api().api().getGraphqlUrl(),
                        "FAILURE_QUEUE_URL", failures.getQueueUrl(),
                        "MAX_TICKS_PER_REQUEST", "25"),
                config.stage()));
        api.api().api().grantMutation(consumer.role(), "publishTick");
        failures.grantSendMessages(consumer.role());
        consumer.alias().addEventSource(ManagedKafkaEventSource.Builder.create()
                .clusterArn(msk.clusterArn())
                .topic(config.topic())
                .secret(msk.scramSecret())
                .startingPosition(StartingPosition.LATEST)
                .batchSize(500)
                .maxBatchingWindow(Duration.seconds(1))
                .provisionedPollerConfig(ProvisionedPollerConfig.builder().minimumPollers(1).maximumPollers(2).build())
                .reportBatchItemFailures(true)
                .retryAttempts(10)
                .onFailure(new SqsDlq(failures))
                .build());
        // The event source adds AWS's managed MSK execution policy (kafka:Describe* on every
        // cluster and more); replace it with the same permissions on this cluster only.
        ((CfnRole) consumer.role().getNode().getDefaultChild()).setManagedPolicyArns(null);
        consumer.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("kafka:DescribeCluster", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"))
                .resources(List.of(msk.clusterArn()))
                .build());
        consumer.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
                        "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"))
                .resources(List.of("*"))
                .build());
        // Poll only once the topic exists (and so SCRAM works). The mapping alone: the role is
        // named in the key policy, which the topic depends on through the secret.
        consumer.alias().getNode().getChildren().stream()
                .filter(EventSourceMapping.class::isInstance)
                .forEach(mapping -> mapping.getNode().addDependency(topic));
        Validations.of(consumer.role()).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-IAM5[Resource::*]")
                .reason("X-Ray tracing and the MSK event source mapping's network interfaces "
                        + "(ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DescribeVpcs, DescribeSubnets, "
                        + "DescribeSecurityGroups, DeleteNetworkInterface) accept only '*' as the resource.")
                .build());

        CfnOutput.Builder.create(this, CLUSTER_OUTPUT).value(msk.clusterArn()).description("MSK cluster").build();
        CfnOutput.Builder.create(this, FAILURE_QUEUE_OUTPUT).value(failures.getQueueUrl())
                .description("Poison ticks and undeliverable batches, with reasons").build();
    }
}
