package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.Stage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    /** The topic and who creates it; build with {@link #builder()}. */
    public static final class Props {
        private final JavaFunction provisioner;
        private final String topic;
        private final int partitions;
        private final int replicas;
        private final Stage stage;

        private Props(Builder b) {
            provisioner = java.util.Objects.requireNonNull(b.provisioner, "provisioner");
            topic = java.util.Objects.requireNonNull(b.topic, "topic");
            stage = java.util.Objects.requireNonNull(b.stage, "stage");
            partitions = b.partitions;
            replicas = b.replicas;
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Props}; provisioner, topic and stage are required, partitions and replicas default to 1. */
        public static final class Builder {
            private JavaFunction provisioner;
            private String topic;
            private int partitions = 1;
            private int replicas = 1;
            private Stage stage;

            private Builder() {
            }

            /** The {@code Functions.TOPIC_PROVISIONER} function, in the VPC with access to the brokers. */
            public Builder provisioner(JavaFunction provisioner) {
                this.provisioner = provisioner;
                return this;
            }

            public Builder topic(String topic) {
                this.topic = topic;
                return this;
            }

            public Builder partitions(int partitions) {
                this.partitions = partitions;
                return this;
            }

            /** The replication factor. */
            public Builder replicas(int replicas) {
                this.replicas = replicas;
                return this;
            }

            /** Decides log retention and removal of the provider's logs. */
            public Builder stage(Stage stage) {
                this.stage = stage;
                return this;
            }

            public Props build() {
                return new Props(this);
            }
        }
    }

    public KafkaTopic(Construct scope, String id, Props props) {
        super(scope, id);
        JavaFunction provisioner = props.provisioner;
        String topic = props.topic;
        Stage stage = props.stage;
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
                // Sorted, so every synth writes the same template (Map.of's order changes with every JVM).
                .properties(new TreeMap<>(Map.of(
                        "Topic", topic,
                        "Partitions", Integer.toString(props.partitions),
                        "ReplicationFactor", Integer.toString(props.replicas))))
                .build();
    }
}
