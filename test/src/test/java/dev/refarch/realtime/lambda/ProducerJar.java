package dev.refarch.realtime.lambda;

import java.time.Duration;
import java.util.Properties;

/**
 * The producer jar's own classes, reached by reflection from a JVM whose class path is that jar
 * (and the checks' classes): this module's build has the real Kafka client, not the jar's.
 * Used by {@link ProducerJarCheck} and the priming benchmark.
 */
public final class ProducerJar {

    /** Where no broker listens: creating a client does not wait for one. */
    private static final String NO_BROKER = "127.0.0.1:9";

    private ProducerJar() {
    }

    /** The producer's settings ({@code MskProducerProperties.of}) for {@code securityProtocol}. */
    public static Properties producerSettings(String securityProtocol) throws Exception {
        Object credentials = credentials();
        return (Properties) Class.forName("dev.refarch.realtime.producer.MskProducerProperties")
                .getMethod("of", String.class, String.class, credentials.getClass())
                .invoke(null, NO_BROKER, securityProtocol, credentials);
    }

    /** An admin client's settings ({@code MskProducerProperties.client}) for {@code securityProtocol}. */
    public static Properties clientSettings(String securityProtocol, String clientId) throws Exception {
        Object credentials = credentials();
        return (Properties) Class.forName("dev.refarch.realtime.producer.MskProducerProperties")
                .getMethod("client", String.class, String.class, credentials.getClass(), String.class)
                .invoke(null, NO_BROKER, securityProtocol, credentials, clientId);
    }

    /** A Kafka producer with string serializers, as the tick producer creates it. */
    public static Object newProducer(Properties settings) throws Exception {
        Object serializer = Class.forName("org.apache.kafka.common.serialization.StringSerializer")
                .getDeclaredConstructor().newInstance();
        Class<?> serializerType = Class.forName("org.apache.kafka.common.serialization.Serializer");
        return Class.forName("org.apache.kafka.clients.producer.KafkaProducer")
                .getConstructor(Properties.class, serializerType, serializerType)
                .newInstance(settings, serializer, serializer);
    }

    /** Closes a Kafka client at once. */
    public static void close(Object client) throws Exception {
        client.getClass().getMethod("close", Duration.class).invoke(client, Duration.ZERO);
    }

    private static Object credentials() throws Exception {
        return Class.forName("dev.refarch.realtime.producer.ScramCredentials")
                .getDeclaredConstructor(String.class, String.class).newInstance("user", "secret");
    }
}
