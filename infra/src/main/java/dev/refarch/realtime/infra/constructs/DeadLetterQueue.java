package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.Stage;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Where an asynchronous path fails to: an encrypted, TLS-only queue that keeps what it is given
 * for 14 days (SQS's maximum), so an operator has two weeks to read and redrive it. SQS-managed
 * encryption, because EventBridge cannot send to a queue under the AWS-managed SQS KMS key and
 * a customer key would add a key policy per sender for event metadata that holds no secret.
 * The alarms (ObservabilityStack) fire on its first visible message.
 */
public final class DeadLetterQueue extends Construct {

    private final Queue queue;

    /** @param what who fails here, for the nag acknowledgement (e.g. "the producer's schedule") */
    public DeadLetterQueue(Construct scope, String id, String what, Stage stage) {
        super(scope, id);
        queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .removalPolicy(stage.removalPolicy())
                .build();
        Validations.of(queue).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-SQS3")
                .reason("This queue is itself the dead-letter queue of " + what + "; an alarm fires on its first "
                        + "message, and nothing consumes it automatically, so it needs no dead-letter queue of its own.")
                .build());
    }

    public Queue queue() {
        return queue;
    }
}
