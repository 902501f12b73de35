package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.Stage;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * The SNS topic every alarm and failure notice goes to: encrypted with a customer key (CloudWatch
 * alarms and EventBridge cannot publish to a topic under the AWS-managed SNS key, whose policy
 * cannot name them), TLS-only, and with an e-mail subscription when one is configured (AWS sends
 * a confirmation mail first). Without one, subscribe whatever pages you to the topic's ARN.
 */
public final class AlarmTopic extends Construct {

    /** The services that publish here, and so may use the key to encrypt what they publish. */
    private static final List<String> PUBLISHERS = List.of("cloudwatch.amazonaws.com", "events.amazonaws.com");

    private final Topic topic;

    public AlarmTopic(Construct scope, String id, Optional<String> email, Stage stage) {
        super(scope, id);
        Key key = Key.Builder.create(this, "Key")
                .description("Encrypts the alarm topic")
                .enableKeyRotation(true)
                .removalPolicy(stage.removalPolicy())
                .build();
        // SNS needs the publisher to be allowed GenerateDataKey and Decrypt on the topic's key
        // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
        PUBLISHERS.forEach(service -> key.grant(new ServicePrincipal(service), "kms:GenerateDataKey", "kms:Decrypt"));
        topic = Topic.Builder.create(this, "Topic")
                .displayName("Realtime Refarch alarms")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        email.ifPresent(address -> topic.addSubscription(new EmailSubscription(address)));
    }

    public Topic topic() {
        return topic;
    }
}
