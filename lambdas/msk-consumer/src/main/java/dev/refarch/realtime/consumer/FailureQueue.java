package dev.refarch.realtime.consumer;

import dev.refarch.realtime.consumer.Validation.Poison;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The durable destination of records that can never be published. */
public interface FailureQueue {

    /**
     * Stores each record with its reason; never throws for a record it could not store, and
     * never waits longer than {@code timeLeft} says (asked before each call it makes).
     *
     * @return the records that were NOT stored (empty when all were), in the order given
     */
    List<Poison> park(List<Poison> records, Supplier<Duration> timeLeft);
}
