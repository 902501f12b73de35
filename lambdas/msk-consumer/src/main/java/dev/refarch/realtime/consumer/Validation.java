package dev.refarch.realtime.consumer;

/** The outcome of validating one record: a tick to publish, or why it is poison. */
public sealed interface Validation {

    /** The record. */
    KafkaRecord record();

    /** A record that maps to a publishable tick. */
    record Valid(KafkaRecord record, TickInput tick) implements Validation {
    }

    /** A record that can never be published. */
    record Poison(KafkaRecord record, PoisonReason reason, String detail) implements Validation {
        @Override
        public String toString() {
            return record + " " + reason + ": " + detail;
        }
    }
}
