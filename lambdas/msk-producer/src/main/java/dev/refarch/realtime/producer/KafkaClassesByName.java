package dev.refarch.realtime.producer;

import java.util.List;

import org.apache.kafka.common.security.oauthbearer.DefaultJwtRetriever;
import org.apache.kafka.common.security.oauthbearer.DefaultJwtValidator;
import org.apache.kafka.common.security.scram.ScramLoginModule;

/**
 * The Kafka classes our clients load by name and nothing references: the function jar is minimized
 * to what code reaches (lambdas/msk-producer/pom.xml), and these class literals keep them in it.
 * {@code FunctionJarsTest} builds the producer and the admin client from the jar alone with the
 * deployed settings, so a class missing here fails the build, not a deployment.
 */
final class KafkaClassesByName {

    /**
     * The JAAS login module of {@code sasl.jaas.config} (which registers the SCRAM SASL client
     * factory by class literal), and the two defaults of the OAUTHBEARER settings that every
     * client's configuration resolves whatever its mechanism.
     */
    static final List<Class<?>> LOADED_BY_NAME = List.of(
            ScramLoginModule.class, DefaultJwtRetriever.class, DefaultJwtValidator.class);

    private KafkaClassesByName() {
    }
}
