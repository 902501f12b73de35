package dev.refarch.realtime.lambda;

import java.lang.reflect.Method;
import java.util.Properties;

/**
 * Run by {@link FunctionJarsTest} in a JVM whose class path is the producer's jar and this module's
 * test classes only: builds the producer and the admin client with the deployed security settings (SASL_SSL,
 * SCRAM), which configures TLS and performs the JAAS login without a broker. A class missing from
 * the jar exits non-zero with its stack trace. A JVM of its own, because the SCRAM login registers
 * a security provider for the whole JVM; by reflection ({@link ProducerJar}), because this module's
 * class path has the real Kafka client, not the jar's.
 */
public final class ProducerJarCheck {

    private ProducerJarCheck() {
    }

    public static void main(String[] args) throws Exception {
        Properties producer = ProducerJar.producerSettings("SASL_SSL");
        ProducerJar.close(ProducerJar.newProducer(producer));
        Method create = Class.forName("org.apache.kafka.clients.admin.Admin").getMethod("create", Properties.class);
        ProducerJar.close(create.invoke(null, ProducerJar.clientSettings("SASL_SSL", "jar-check")));
        System.out.println("enable.metrics.push=" + producer.getProperty("enable.metrics.push"));
    }
}
