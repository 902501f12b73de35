package dev.refarch.realtime.consumer;

import dev.refarch.realtime.msk.testing.KafkaBroker;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A SCRAM broker holding one topic, started before a test class and closed after it: the set-up
 * the classes that drive the consumer off a real broker share. Register it as a
 * {@code @RegisterExtension static final} field.
 */
final class TopicBroker implements BeforeAllCallback, AfterAllCallback {

    private final String password;
    private final String topic;
    private final int partitions;
    private KafkaBroker broker;

    TopicBroker(String password, String topic, int partitions) {
        this.password = password;
        this.topic = topic;
        this.partitions = partitions;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = KafkaBroker.start("realtime", password);
        broker.createTopic(topic, partitions);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** A fresh copy of the broker's client properties (SCRAM login included). */
    Properties clientProperties() {
        return broker.clientProperties();
    }
}
