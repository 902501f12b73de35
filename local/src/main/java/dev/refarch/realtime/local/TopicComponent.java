package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates the ticks topic as the deploy does: the producer module's topic provisioner function
 * ({@code TopicProvisionerHandler}, the {@code Custom::KafkaTopic} handler) is invoked once with
 * the CloudFormation Create event the CDK provider framework sends, with the topic and partitions
 * of {@code cdk.json} and replication 1 (one local broker). Its JVM stops once the topic exists.
 */
final class TopicComponent implements Component {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalSettings settings;
    private final FunctionComponent provisioner;
    private String outcome = "";

    TopicComponent(LocalSettings settings, FunctionComponent provisioner) {
        this.settings = settings;
        this.provisioner = provisioner;
    }

    @Override
    public String name() {
        return "topic";
    }

    @Override
    public void start() throws Exception {
        provisioner.start();
        try {
            ObjectNode event = JSON.createObjectNode();
            event.put("RequestType", "Create");
            event.put("ServiceToken", provisioner.functionArn());
            event.put("ResponseURL", "http://127.0.0.1/unused");
            event.put("StackId", "arn:aws:cloudformation:" + LocalSettings.REGION + ":" + LocalSettings.ACCOUNT
                    + ":stack/" + settings.prefix() + "-Streaming/" + UUID.randomUUID());
            event.put("RequestId", UUID.randomUUID().toString());
            event.put("LogicalResourceId", "TicksTopic");
            event.put("ResourceType", "Custom::KafkaTopic");
            ObjectNode properties = event.putObject("ResourceProperties");
            properties.put("ServiceToken", provisioner.functionArn());
            properties.put("Topic", settings.config().topic());
            properties.put("Partitions", Integer.toString(settings.config().topicPartitions()));
            properties.put("ReplicationFactor", "1");
            RuntimeApi.Result result = provisioner.invoke(event.toString());
            if (result.error()) {
                throw new LocalRunException("the topic provisioner failed: " + result.body());
            }
            JsonNode response = JSON.readTree(result.body());
            outcome = response.at("/Data/Outcome").asText("");
        } finally {
            provisioner.stop();
        }
    }

    @Override
    public String readyDetail() {
        return settings.config().topic() + " with " + settings.config().topicPartitions() + " partitions ("
                + outcome + " by " + provisioner.name() + ")";
    }

    @Override
    public Optional<String> failure() {
        return Optional.empty();
    }

    @Override
    public void stop() {
        provisioner.stop();
    }

    @Override
    public Path log() {
        return provisioner.log();
    }
}
