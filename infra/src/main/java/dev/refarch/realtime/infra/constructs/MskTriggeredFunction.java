package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.Stage;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.DlqDestinationConfig;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.IEventSourceDlq;
import software.amazon.awscdk.services.lambda.IEventSourceMapping;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.MetricType;
import software.amazon.awscdk.services.lambda.MetricsConfig;
import software.amazon.awscdk.services.lambda.ProvisionedPollerConfig;
import software.amazon.awscdk.services.lambda.SourceAccessConfiguration;
import software.amazon.awscdk.services.lambda.SourceAccessConfigurationType;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * A {@link JavaFunction} fed by an MSK topic: the function, its event source mapping (SASL/SCRAM,
 * provisioned pollers, partial batch responses, bounded retries), the mapping's on-failure
 * bucket, and exactly the IAM the mapping needs, granted to the function's role as Lambda's
 * MSK guide lists it (no managed policy): the cluster and its bootstrap brokers, the network
 * interfaces in the cluster's subnets and broker security group, the SCRAM secret and its key,
 * and the bucket.
 *
 * <p>The bucket, not a queue, is the on-failure destination because only an S3 destination
 * receives the records themselves (SQS and SNS get offsets only), so a skipped batch can be
 * replayed. The function itself is not in the VPC: the mapping creates its own network
 * interfaces, with the function's role.
 */
public final class MskTriggeredFunction extends Construct {

    private final JavaFunction function;
    private final Bucket failureBucket;
    private final EventSourceMapping mapping;

    /** The function and how it reads the topic; build with {@link #builder()}. */
    public static final class Props {
        private final JavaFunction.Props function;
        private final MskCluster cluster;
        private final String topic;
        private final int batchSize;
        private final Duration maxBatchingWindow;
        private final int minimumPollers;
        private final int maximumPollers;
        private final int retryAttempts;
        private final int failureRetentionDays;
        private final Stage stage;

        private Props(Builder b) {
            function = Objects.requireNonNull(b.function, "function");
            cluster = Objects.requireNonNull(b.cluster, "cluster");
            topic = Objects.requireNonNull(b.topic, "topic");
            maxBatchingWindow = Objects.requireNonNull(b.maxBatchingWindow, "maxBatchingWindow");
            stage = Objects.requireNonNull(b.stage, "stage");
            batchSize = b.batchSize;
            minimumPollers = b.minimumPollers;
            maximumPollers = b.maximumPollers;
            retryAttempts = b.retryAttempts;
            failureRetentionDays = b.failureRetentionDays;
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Props}; defaults: 100 records, pollers 1-1, 10 retries (Lambda's cap with a destination), 30 days. */
        public static final class Builder {
            private JavaFunction.Props function;
            private MskCluster cluster;
            private String topic;
            private int batchSize = 100;
            private Duration maxBatchingWindow = Duration.seconds(0);
            private int minimumPollers = 1;
            private int maximumPollers = 1;
            private int retryAttempts = 10;
            private int failureRetentionDays = 30;
            private Stage stage;

            private Builder() {
            }

            public Builder function(JavaFunction.Props function) {
                this.function = function;
                return this;
            }

            public Builder cluster(MskCluster cluster) {
                this.cluster = cluster;
                return this;
            }

            public Builder topic(String topic) {
                this.topic = topic;
                return this;
            }

            public Builder batchSize(int batchSize) {
                this.batchSize = batchSize;
                return this;
            }

            public Builder maxBatchingWindow(Duration maxBatchingWindow) {
                this.maxBatchingWindow = maxBatchingWindow;
                return this;
            }

            public Builder pollers(int minimum, int maximum) {
                this.minimumPollers = minimum;
                this.maximumPollers = maximum;
                return this;
            }

            /** Retries of a failing batch before it goes to the failure bucket (Lambda caps it at 10 with a destination). */
            public Builder retryAttempts(int retryAttempts) {
                this.retryAttempts = retryAttempts;
                return this;
            }

            /** Days the failure bucket keeps a skipped batch. */
            public Builder failureRetentionDays(int failureRetentionDays) {
                this.failureRetentionDays = failureRetentionDays;
                return this;
            }

            /** Decides whether the failure bucket survives a destroy. */
            public Builder stage(Stage stage) {
                this.stage = stage;
                return this;
            }

            public Props build() {
                return new Props(this);
            }
        }
    }

    public MskTriggeredFunction(Construct scope, String id, Props props) {
        super(scope, id);
        function = new JavaFunction(this, "Function", props.function);
        MskCluster cluster = props.cluster;

        // S3-managed keys: the mapping then needs no KMS permission to write (a customer key would
        // add kms:GenerateDataKey for the role and a key to manage for a bucket of public ticks).
        failureBucket = Bucket.Builder.create(this, "FailureBucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("ExpireSkippedBatches")
                        .expiration(Duration.days(props.failureRetentionDays))
                        .build()))
                .removalPolicy(props.stage.removalPolicy())
                .autoDeleteObjects(props.stage == Stage.DEV)
                .build();
        // Object-created events go to EventBridge, where the observability stack turns each skipped
        // batch into a notice. Set on the L1: the L2's eventBridgeEnabled deploys a notifications
        // custom resource (a Lambda with a managed policy) to make the same call.
        ((CfnBucket) failureBucket.getNode().getDefaultChild()).setNotificationConfiguration(
                CfnBucket.NotificationConfigurationProperty.builder()
                        .eventBridgeConfiguration(CfnBucket.EventBridgeConfigurationProperty.builder()
                                .eventBridgeEnabled(true)
                                .build())
                        .build());
        Validations.of(failureBucket).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-S1")
                .reason("A dead-letter bucket: only this function's event source mapping writes to it (one object "
                        + "per batch skipped after its retries; every failed invocation behind it is in the "
                        + "function's own logs and Errors metric) and the operator's `ticks replay` reads it; its "
                        + "objects expire. Access logs would need a second bucket to audit copies of public ticks.")
                .build());

        Policy permissions = Policy.Builder.create(this, "MappingPermissions")
                .roles(List.of(function.role()))
                .statements(mappingStatements(cluster))
                .build();
        Validations.of(permissions).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-IAM5[Resource::*]")
                .reason("EC2's DescribeNetworkInterfaces, DescribeVpcs, DescribeSubnets and DescribeSecurityGroups, "
                        + "which the MSK event source mapping calls to set up its network interfaces, support no "
                        + "resource-level permissions; '*' is the only resource they accept.")
                .build());
        Validations.of(permissions).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-IAM5[Resource::<" + Stack.of(this).getLogicalId(
                        (software.amazon.awscdk.CfnElement) failureBucket.getNode().getDefaultChild()) + ".Arn>/*]")
                .reason("The mapping writes one object per skipped batch under a key Lambda chooses; "
                        + "s3:PutObject is allowed on this bucket's objects only.")
                .build());
        JavaFunction.acknowledgeNetworkInterfaceWildcard(permissions);

        mapping = EventSourceMapping.Builder.create(this, "Mapping")
                .target(function.alias())
                .eventSourceArn(cluster.clusterArn())
                .kafkaTopic(props.topic)
                .sourceAccessConfigurations(List.of(SourceAccessConfiguration.builder()
                        .type(SourceAccessConfigurationType.SASL_SCRAM_512_AUTH)
                        .uri(cluster.scramSecret().getSecretArn())
                        .build()))
                .startingPosition(StartingPosition.LATEST)
                .batchSize(props.batchSize)
                .maxBatchingWindow(props.maxBatchingWindow)
                .provisionedPollerConfig(ProvisionedPollerConfig.builder()
                        .minimumPollers(props.minimumPollers)
                        .maximumPollers(props.maximumPollers)
                        .build())
                .reportBatchItemFailures(true)
                .retryAttempts(props.retryAttempts)
                .onFailure(new BucketDestination(failureBucket))
                // Event counts, errors and the Kafka consumer metrics (OffsetLag among them), which
                // the dashboard and the lag alarms read (monitoring-metrics-types.html, event source
                // mapping metrics).
                .metricsConfig(MetricsConfig.builder()
                        .metrics(List.of(MetricType.EVENT_COUNT, MetricType.ERROR_COUNT, MetricType.KAFKA_METRICS))
                        .build())
                .build();
        // The mapping starts polling as soon as it exists: with its permissions in place.
        mapping.getNode().addDependency(permissions);
    }

    /** What Lambda's MSK guide lists for a SASL/SCRAM cluster in a VPC, plus the S3 destination. */
    private List<PolicyStatement> mappingStatements(MskCluster cluster) {
        List<PolicyStatement> statements = new java.util.ArrayList<>();
        // "You only need to add one of either kafka:DescribeCluster or kafka:DescribeClusterV2."
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"))
                .resources(List.of(cluster.clusterArn()))
                .build());
        // The mapping's hyperplane ENIs use "the subnet and security group configuration of your MSK
        // cluster, not your Lambda function" (https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-create.html).
        statements.addAll(JavaFunction.networkInterfaceStatements(this, cluster.subnetIds(),
                List.of(cluster.brokerSecurityGroup().getSecurityGroupId()),
                List.of("ec2:DeleteNetworkInterface"),
                List.of("ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeSubnets",
                        "ec2:DescribeSecurityGroups")));
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("secretsmanager:GetSecretValue"))
                .resources(List.of(cluster.scramSecret().getSecretArn()))
                .build());
        // The key policy delegates to IAM (account root); decrypting is allowed only through Secrets Manager.
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("kms:Decrypt"))
                .resources(List.of(cluster.key().getKeyArn()))
                .conditions(Map.of("StringEquals", Map.of("kms:ViaService",
                        "secretsmanager." + Stack.of(this).getRegion() + ".amazonaws.com")))
                .build());
        // Lambda's Kafka on-failure guide: s3:PutObject and s3:ListBucket for an S3 destination.
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject"))
                .resources(List.of(failureBucket.arnForObjects("*")))
                .build());
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(failureBucket.getBucketArn()))
                .build());
        return statements;
    }

    /**
     * The S3 on-failure destination without CDK's {@code S3OnFailureDestination}, which grants
     * the function read, write and delete on the bucket: the permissions are in
     * {@link #mappingStatements} instead.
     */
    private static final class BucketDestination implements IEventSourceDlq {
        private final IBucket bucket;

        BucketDestination(IBucket bucket) {
            this.bucket = bucket;
        }

        @Override
        public DlqDestinationConfig bind(IEventSourceMapping target, IFunction targetHandler) {
            return DlqDestinationConfig.builder().destination(bucket.getBucketArn()).build();
        }
    }

    public JavaFunction function() {
        return function;
    }

    public IBucket failureBucket() {
        return failureBucket;
    }

    /** The mapping; make it depend on what must exist before polling starts (the topic). */
    public EventSourceMapping mapping() {
        return mapping;
    }
}
