package dev.refarch.realtime.producer;

import java.security.SecureRandom;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart runtime hook: after a restore, re-seeds the producer's randomness from
 * {@link SecureRandom}, so environments restored from one snapshot do not share it
 * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html).
 */
final class RestoreHook implements Resource {

    private final TickProducer producer;

    RestoreHook(TickProducer producer) {
        this.producer = producer;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        // Nothing to prepare: the Kafka producer is created after the restore.
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        producer.afterRestore(new SecureRandom()::nextLong);
    }
}
