package dev.refarch.realtime.cli;

/**
 * One Kafka record of a failed invocation, as Lambda's MSK event carries it.
 *
 * @param topic     the topic
 * @param partition the partition number
 * @param offset    the record's offset in its partition
 * @param value     the base64 value; null for a tombstone
 */
record FailedRecord(String topic, int partition, long offset, String value) {

    /** {@code <topic>-<partition>@<offset>}: what the output and the duplicate check name. */
    String id() {
        return topic + "-" + partition + "@" + offset;
    }

    /** {@code <topic>-<partition>}, as the event keys records. */
    String partitionKey() {
        return topic + "-" + partition;
    }
}
