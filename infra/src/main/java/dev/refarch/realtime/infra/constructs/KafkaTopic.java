package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.Stage;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.customresources.Provider;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * A Kafka topic created at deploy by a Java function inside the VPC (Kafka's AdminClient over
 * SASL/SCRAM + TLS), idempotent on redeploy, instead of a bastion host. Partitions only grow;
 * deleting the stack leaves the topic to go with its cluster.
 */
public final class KafkaTopic extends Construct {

    /** The module of the function behind every topic: the producer's, which has the Kafka client. */
    public static final String MODULE = "msk-producer";
    /** Its handler. */
    public static final String HANDLER = "dev.refarch.realtime.producer.TopicProvisionerHandler::handleRequest";

    /**
     * @param provisioner the {@value #MODULE} function, in the VPC with access to the brokers
     * @param topic       the topic name
     * @param partitions  its partitions
     * @param replicas    its replication factor
     */
    public KafkaTopic(Construct scope, String id, JavaFunction provisioner, String topic, int partitions,
                      int replicas, Stage stage) {
        super(scope, id);
        LogGroup logGroup = LogGroup.Builder.create(this, "ProviderLogs")
                .retention(stage.logRetention())
                .removalPolicy(stage.removalPolicy())
                .build();
        Role frameworkRole = Role.Builder.create(this, "ProviderRole")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Custom resource framework of the " + topic + " topic")
                .inlinePolicies(Map.of("Logs", PolicyDocument.Builder.create().statements(List.of(
                        PolicyStatement.Builder.create()
                                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                                .resources(List.of(logGroup.getLogGroupArn()))
                                .build())).build()))
                .build();
        Provider provider = Provider.Builder.create(this, "Provider")
                .onEventHandler(provisioner.alias())
                .frameworkOnEventRole(frameworkRole)
                .logGroup(logGroup)
                .build();
        CustomResource.Builder.create(this, "Resource")
                .resourceType("Custom::KafkaTopic")
                .serviceToken(provider.getServiceToken())
                .properties(Map.of(
                        "Topic", topic,
                        "Partitions", Integer.toString(partitions),
                        "ReplicationFactor", Integer.toString(replicas)))
                .build();
    }

    /** How long the provisioner may take: connecting to a fresh cluster can be slow. */
    public static Duration timeout() {
        return Duration.minutes(2);
    }
}
