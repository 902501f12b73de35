package dev.refarch.realtime.producer;

import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.scram.ScramLoginModule;

/** Kafka producer settings for MSK with SASL/SCRAM: durable, idempotent, bounded in time. */
public final class MskProducerProperties {

    /** How long send() may wait for metadata (a broker that is down or refuses us) before failing. */
    static final int MAX_BLOCK_MS = 10_000;
    static final int REQUEST_TIMEOUT_MS = 10_000;
    /** Upper bound from send() to acknowledgement, retries included. */
    static final int DELIVERY_TIMEOUT_MS = 30_000;

    private MskProducerProperties() {
    }

    public static Properties of(String bootstrapServers, String securityProtocol, ScramCredentials credentials) {
        Properties p = client(bootstrapServers, securityProtocol, credentials, "tick-producer");
        // Every replica in sync has the tick, and a retry never duplicates or reorders one.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // A round is one tick per symbol sent back to back: a short linger batches it.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(MAX_BLOCK_MS));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(REQUEST_TIMEOUT_MS));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(DELIVERY_TIMEOUT_MS));
        return p;
    }

    /** Connection and SASL/SCRAM-SHA-512 settings any Kafka client (producer, admin) needs for MSK. */
    public static Properties client(String bootstrapServers, String securityProtocol, ScramCredentials credentials,
                                    String clientId) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        // No KIP-714 client telemetry: MSK brokers do not collect it, and the jar leaves out the
        // shaded OpenTelemetry and protobuf classes its reporter needs (lambdas/msk-producer/pom.xml).
        p.put(CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, "false");
        p.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        // JAAS loads the login module by name (kept in the jar by KafkaClassesByName).
        p.put(SaslConfigs.SASL_JAAS_CONFIG, ScramLoginModule.class.getName() + " required"
                + " username=\"" + jaasQuoted(credentials.username()) + "\""
                + " password=\"" + jaasQuoted(credentials.password()) + "\";");
        return p;
    }

    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
