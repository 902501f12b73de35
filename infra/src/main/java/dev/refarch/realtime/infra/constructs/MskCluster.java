package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.AppConfig;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.customresources.AwsCustomResource;
import software.amazon.awscdk.customresources.AwsSdkCall;
import software.amazon.awscdk.customresources.PhysicalResourceId;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.msk.CfnBatchScramSecret;
import software.amazon.awscdk.services.msk.CfnCluster;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;
import software.constructs.IDependable;

/**
 * An MSK provisioned cluster as MSK's SASL/SCRAM guide sets it up: a customer-managed KMS key
 * (rotation on) encrypting the brokers' storage and the SCRAM secret, a secret named
 * {@code AmazonMSK_...} with a generated password, associated with the cluster; TLS between
 * clients and brokers and inside the cluster; broker logs to CloudWatch; brokers in the private
 * subnets, reachable on the SASL/SCRAM TLS port only from {@link #clientSecurityGroup()}.
 * The bootstrap broker string is read at deploy (MSK's CloudFormation resource does not return
 * it) and handed on as {@link #bootstrapBrokers()}.
 *
 * <p>The cluster and the secret need physical names (MSK requires a cluster name, and the
 * {@code AmazonMSK_} prefix on the secret). Both end in a suffix of the stack's id, which is new
 * for every stack created, so a copy that {@code prod} retains after a destroy never blocks the
 * next deploy with "already exists" (nor does a dev secret still in its deletion recovery window).
 */
public final class MskCluster extends Construct {

    /** MSK's port for SASL/SCRAM over TLS. */
    public static final int SCRAM_TLS_PORT = 9096;
    /** The SCRAM user the functions authenticate as. */
    public static final String SCRAM_USER = "realtime";

    private final Key key;
    private final Secret scramSecret;
    private final CfnCluster cluster;
    private final SecurityGroup clientSecurityGroup;
    private final String bootstrapBrokers;
    private final CfnBatchScramSecret scramAssociation;
    private final SecurityGroup brokerSecurityGroup;
    private final List<String> subnetIds;

    public MskCluster(Construct scope, String id, IVpc vpc, AppConfig config) {
        super(scope, id);
        String name = config.prefix();
        // The first group of the stack id's UUID: unique per stack creation, stable across updates.
        String suffix = Fn.select(0, Fn.split("-", Fn.select(2, Fn.split("/", Aws.STACK_ID))));
        key = Key.Builder.create(this, "Key")
                .description("Encrypts the MSK brokers' storage and the SCRAM secret of " + name)
                .enableKeyRotation(true)
                .removalPolicy(config.stage().removalPolicy())
                .build();
        // MSK only associates secrets whose name starts with AmazonMSK_ and that use a customer key.
        scramSecret = Secret.Builder.create(this, "ScramSecret")
                .secretName("AmazonMSK_" + config.appName() + "_" + config.stage().id() + "_" + suffix)
                .description("SASL/SCRAM credentials of the " + name + " functions")
                .encryptionKey(key)
                .generateSecretString(SecretStringGenerator.builder()
                        .secretStringTemplate("{\"username\":\"" + SCRAM_USER + "\"}")
                        .generateStringKey("password")
                        .excludePunctuation(true)
                        .passwordLength(32)
                        .build())
                .removalPolicy(config.stage().removalPolicy())
                .build();
        Validations.of(scramSecret).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-SMG4")
                .reason("MSK reads the SCRAM credentials from this secret and AWS offers no rotation "
                        + "function for an MSK SCRAM user, so rotation is an operator step: put a new password. "
                        + "Clients must then re-read the secret: the topic provisioner reads it on every "
                        + "invocation, and the producer, which caches it (also in its SnapStart snapshot), "
                        + "re-reads it after an authentication failure; until then its runs fail to connect.")
                .build());

        clientSecurityGroup = SecurityGroup.Builder.create(this, "ClientSecurityGroup")
                .vpc(vpc)
                .description("Clients of the " + name + " brokers (functions)")
                .allowAllOutbound(false)
                .build();
        // HTTPS: the VPC endpoints, and an HTTP quote provider through the NAT if one is configured.
        clientSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "HTTPS to AWS endpoints and the quote provider");
        brokerSecurityGroup = SecurityGroup.Builder.create(this, "BrokerSecurityGroup")
                .vpc(vpc)
                .description("The " + name + " brokers: SASL/SCRAM over TLS from clients only")
                .allowAllOutbound(false)
                .build();
        brokerSecurityGroup.addIngressRule(clientSecurityGroup, Port.tcp(SCRAM_TLS_PORT),
                "SASL/SCRAM over TLS from the cluster's clients");
        clientSecurityGroup.addEgressRule(brokerSecurityGroup, Port.tcp(SCRAM_TLS_PORT), "to the brokers");
        // The event source mapping's pollers use the cluster's security groups: let them reach the brokers.
        brokerSecurityGroup.addIngressRule(brokerSecurityGroup, Port.tcp(SCRAM_TLS_PORT),
                "SASL/SCRAM over TLS from the event source mapping's pollers");
        brokerSecurityGroup.addEgressRule(brokerSecurityGroup, Port.tcp(SCRAM_TLS_PORT),
                "pollers to brokers");
        // HTTPS anywhere, not just the VPC range: the on-failure destination is S3, reached through the
        // gateway endpoint at S3's public addresses (a prefix list the template cannot name offline).
        brokerSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443),
                "pollers to the VPC endpoints (STS, Secrets Manager, Lambda) and to S3 via its gateway endpoint");

        LogGroup brokerLogs = LogGroup.Builder.create(this, "BrokerLogs")
                .retention(config.stage().logRetention())
                .removalPolicy(config.stage().removalPolicy())
                .build();
        subnetIds = vpc.selectSubnets(SubnetSelection.builder()
                .subnetType(SubnetType.PRIVATE_WITH_EGRESS).build()).getSubnetIds();
        cluster = CfnCluster.Builder.create(this, "Cluster")
                .clusterName(name + "-" + suffix)
                .kafkaVersion(config.kafkaVersion())
                .numberOfBrokerNodes(config.brokerCount())
                .brokerNodeGroupInfo(CfnCluster.BrokerNodeGroupInfoProperty.builder()
                        .instanceType(config.brokerInstanceType())
                        .clientSubnets(subnetIds)
                        .securityGroups(List.of(brokerSecurityGroup.getSecurityGroupId()))
                        .storageInfo(CfnCluster.StorageInfoProperty.builder()
                                .ebsStorageInfo(CfnCluster.EBSStorageInfoProperty.builder().volumeSize(20).build())
                                .build())
                        .build())
                .clientAuthentication(CfnCluster.ClientAuthenticationProperty.builder()
                        .sasl(CfnCluster.SaslProperty.builder()
                                .scram(CfnCluster.ScramProperty.builder().enabled(true).build())
                                .build())
                        .unauthenticated(CfnCluster.UnauthenticatedProperty.builder().enabled(false).build())
                        .build())
                .encryptionInfo(CfnCluster.EncryptionInfoProperty.builder()
                        .encryptionAtRest(CfnCluster.EncryptionAtRestProperty.builder()
                                .dataVolumeKmsKeyId(key.getKeyArn()).build())
                        .encryptionInTransit(CfnCluster.EncryptionInTransitProperty.builder()
                                .clientBroker("TLS").inCluster(true).build())
                        .build())
                .loggingInfo(CfnCluster.LoggingInfoProperty.builder()
                        .brokerLogs(CfnCluster.BrokerLogsProperty.builder()
                                .cloudWatchLogs(CfnCluster.CloudWatchLogsProperty.builder()
                                        .enabled(true).logGroup(brokerLogs.getLogGroupName()).build())
                                .build())
                        .build())
                .enhancedMonitoring("DEFAULT")
                .build();
        cluster.applyRemovalPolicy(config.stage().removalPolicy());

        scramAssociation = CfnBatchScramSecret.Builder.create(this, "ScramSecretAssociation")
                .clusterArn(cluster.getAttrArn())
                .secretArnList(List.of(scramSecret.getSecretArn()))
                .build();

        AwsSdkCall getBootstrapBrokers = AwsSdkCall.builder()
                .service("Kafka")
                .action("GetBootstrapBrokers")
                .parameters(Map.of("ClusterArn", cluster.getAttrArn()))
                .physicalResourceId(PhysicalResourceId.of(name + "-bootstrap-brokers"))
                .outputPaths(List.of("BootstrapBrokerStringSaslScram"))
                .build();
        SdkCallRole identity = new SdkCallRole(this, "BootstrapBrokersIdentity",
                "Reads the bootstrap brokers of " + name + " at deploy",
                List.of(PolicyStatement.Builder.create()
                        .actions(List.of("kafka:GetBootstrapBrokers"))
                        .resources(List.of(cluster.getAttrArn()))
                        .build()),
                config.stage());
        AwsCustomResource brokers = AwsCustomResource.Builder.create(this, "BootstrapBrokers")
                .resourceType("Custom::MskBootstrapBrokers")
                .onCreate(getBootstrapBrokers)
                .onUpdate(getBootstrapBrokers)
                .role(identity.role())
                .logGroup(identity.logGroup())
                .installLatestAwsSdk(false)
                .timeout(Duration.minutes(2))
                .build();
        bootstrapBrokers = brokers.getResponseField("BootstrapBrokerStringSaslScram");
    }

    public Key key() {
        return key;
    }

    public Secret scramSecret() {
        return scramSecret;
    }

    public String clusterArn() {
        return cluster.getAttrArn();
    }

    /** Comma-separated {@code host:9096} list for SASL/SCRAM over TLS. */
    public String bootstrapBrokers() {
        return bootstrapBrokers;
    }

    /** Clients can authenticate once this exists: depend on it before connecting at deploy. */
    public IDependable scramAssociation() {
        return scramAssociation;
    }

    /** The brokers' group, which the event source mapping's network interfaces also use. */
    public ISecurityGroup brokerSecurityGroup() {
        return brokerSecurityGroup;
    }

    /** The subnets of the brokers (and of the event source mapping's network interfaces). */
    public List<String> subnetIds() {
        return subnetIds;
    }

    /** Put clients (functions) in this group to reach the brokers. */
    public ISecurityGroup clientSecurityGroup() {
        return clientSecurityGroup;
    }
}
