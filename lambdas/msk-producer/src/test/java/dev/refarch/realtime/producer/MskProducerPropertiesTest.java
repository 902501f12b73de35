package dev.refarch.realtime.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The producer's Kafka settings: durable and idempotent, so a retry never duplicates or reorders. */
class MskProducerPropertiesTest {

    private static final Properties PROPERTIES = MskProducerProperties.of("b-1:9096", "SASL_SSL",
            new ScramCredentials("app", "pw\"with\\quote"));

    @Test
    void everyInSyncReplicaAcknowledgesAndTheProducerIsIdempotent() {
        assertEquals("all", PROPERTIES.get(ProducerConfig.ACKS_CONFIG));
        assertEquals("true", PROPERTIES.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        // Kafka's own validation: idempotence is refused with acks other than all, or more than 5 in flight.
        Properties checked = new Properties();
        checked.putAll(PROPERTIES);
        checked.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        checked.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        assertTrue(new ProducerConfig(checked).getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
    }

    @Test
    void scramSha512WithTheJaasValuesQuoted() {
        assertEquals("SCRAM-SHA-512", PROPERTIES.get(SaslConfigs.SASL_MECHANISM));
        String jaas = PROPERTIES.getProperty(SaslConfigs.SASL_JAAS_CONFIG);
        assertTrue(jaas.contains("password=\"pw\\\"with\\\\quote\""), jaas);
    }
}
