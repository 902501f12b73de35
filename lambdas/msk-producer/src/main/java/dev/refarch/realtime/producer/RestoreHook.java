package dev.refarch.realtime.producer;

import java.security.SecureRandom;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart runtime hook: before the snapshot, primes what creating the Kafka producer needs
 * without connecting ({@link TickProducer#prime}); after a restore, re-seeds the producer's
 * randomness from {@link SecureRandom}, so environments restored from one snapshot do not share it
 * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html).
 */
final class RestoreHook implements Resource {

    private final TickProducer producer;

    RestoreHook(TickProducer producer) {
        this.producer = producer;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        // The Kafka producer itself is created after the restore.
        producer.prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        producer.afterRestore(new SecureRandom()::nextLong);
    }
}
