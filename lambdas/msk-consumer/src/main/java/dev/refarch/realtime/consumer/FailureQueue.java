package dev.refarch.realtime.consumer;

import dev.refarch.realtime.consumer.Validation.Poison;
import java.util.List;

/** The durable destination of records that can never be published. */
public interface FailureQueue {

    /**
     * Stores each record with its reason; never throws for a record it could not store.
     *
     * @return the records that were NOT stored (empty when all were), in the order given
     */
    List<Poison> park(List<Poison> records);
}
