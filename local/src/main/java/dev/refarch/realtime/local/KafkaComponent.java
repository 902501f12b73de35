package dev.refarch.realtime.local;

import dev.refarch.realtime.msk.testing.KafkaBroker;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * A single-node Apache Kafka broker (KRaft) in this JVM with a SASL_PLAINTEXT listener on
 * 127.0.0.1 that authenticates with SCRAM-SHA-512, like MSK. The client user's password is made
 * per run and kept in the local Secrets Manager (the {@code AmazonMSK_} secret).
 */
final class KafkaComponent implements Component {

    static final String USER = "realtime";

    private final LocalSettings settings;
    private final String password = UUID.randomUUID().toString().replace("-", "");
    private KafkaBroker broker;

    KafkaComponent(LocalSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "kafka";
    }

    String password() {
        return password;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    Properties clientProperties() {
        return broker.clientProperties();
    }

    @Override
    public void start() {
        broker = KafkaBroker.start(USER, password);
    }

    @Override
    public String readyDetail() {
        return broker.bootstrapServers() + " (SASL_PLAINTEXT, SCRAM-SHA-512)";
    }

    @Override
    public Optional<String> failure() {
        return Optional.empty();
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    public Path log() {
        return settings.logs().file("runner");
    }
}
