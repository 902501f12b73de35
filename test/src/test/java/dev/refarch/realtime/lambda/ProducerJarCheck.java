package dev.refarch.realtime.lambda;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Properties;

/**
 * Run by {@link FunctionJarsTest} in a JVM whose class path is the producer's jar and this class
 * alone: builds the producer and the admin client with the deployed security settings (SASL_SSL,
 * SCRAM), which configures TLS and performs the JAAS login without a broker. A class missing from
 * the jar exits non-zero with its stack trace. A JVM of its own, because the SCRAM login registers
 * a security provider for the whole JVM; by reflection, because this module's class path has the
 * real Kafka client, not the jar's.
 */
public final class ProducerJarCheck {

    private ProducerJarCheck() {
    }

    public static void main(String[] args) throws Exception {
        Object credentials = Class.forName("dev.refarch.realtime.producer.ScramCredentials")
                .getDeclaredConstructor(String.class, String.class).newInstance("user", "secret");
        Class<?> settings = Class.forName("dev.refarch.realtime.producer.MskProducerProperties");
        Properties producer = (Properties) settings.getMethod("of", String.class, String.class,
                credentials.getClass()).invoke(null, "127.0.0.1:9", "SASL_SSL", credentials);
        Properties admin = (Properties) settings.getMethod("client", String.class, String.class,
                credentials.getClass(), String.class).invoke(null, "127.0.0.1:9", "SASL_SSL", credentials, "jar-check");

        Object serializer = Class.forName("org.apache.kafka.common.serialization.StringSerializer")
                .getDeclaredConstructor().newInstance();
        Class<?> serializerType = Class.forName("org.apache.kafka.common.serialization.Serializer");
        close(Class.forName("org.apache.kafka.clients.producer.KafkaProducer")
                .getConstructor(Properties.class, serializerType, serializerType)
                .newInstance(producer, serializer, serializer));
        Method create = Class.forName("org.apache.kafka.clients.admin.Admin").getMethod("create", Properties.class);
        close(create.invoke(null, admin));
        System.out.println("enable.metrics.push=" + producer.getProperty("enable.metrics.push"));
    }

    private static void close(Object client) throws Exception {
        client.getClass().getMethod("close", Duration.class).invoke(client, Duration.ZERO);
    }
}
