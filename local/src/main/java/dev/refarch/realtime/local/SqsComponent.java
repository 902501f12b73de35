package dev.refarch.realtime.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * ElasticMQ, a real SQS API, in this JVM on 127.0.0.1, with the stack's failure queue (poison
 * ticks with their reason). Functions reach it through {@code AWS_ENDPOINT_URL_SQS}.
 */
final class SqsComponent implements Component {

    private final LocalSettings settings;
    private final int port;
    private SQSRestServer server;
    private String queueUrl;

    SqsComponent(LocalSettings settings) {
        this.settings = settings;
        this.port = settings.ports().get("sqs");
    }

    @Override
    public String name() {
        return "sqs";
    }

    URI endpoint() {
        return URI.create(settings.loopback(port));
    }

    /** The failure queue's name. */
    String failureQueueName() {
        return settings.prefix() + "-tick-failures";
    }

    /** The failure queue's ARN, as IAM names it. */
    String failureQueueArn() {
        return "arn:aws:sqs:" + LocalSettings.REGION + ":" + LocalSettings.ACCOUNT + ":" + failureQueueName();
    }

    /** The failure queue's URL, as {@code FAILURE_QUEUE_URL} gives it to the consumer. */
    String failureQueueUrl() {
        return queueUrl;
    }

    @Override
    public void start() {
        server = SQSRestServerBuilder
                .withInterface("127.0.0.1")
                .withPort(port)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
                .withAWSAccountId(LocalSettings.ACCOUNT)
                .withAWSRegion(LocalSettings.REGION)
                .start();
        server.waitUntilStarted();
        try (SqsClient sqs = AwsClients.sqs(endpoint())) {
            queueUrl = sqs.createQueue(q -> q.queueName(failureQueueName())).queueUrl();
        }
    }

    @Override
    public String readyDetail() {
        return endpoint() + " failure queue " + queueUrl;
    }

    @Override
    public Optional<String> failure() {
        return Optional.empty();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stopAndWait();
        }
    }

    @Override
    public Path log() {
        return settings.logs().file("runner");
    }
}
