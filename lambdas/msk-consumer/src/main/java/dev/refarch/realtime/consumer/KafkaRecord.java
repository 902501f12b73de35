package dev.refarch.realtime.consumer;

import java.util.List;
import java.util.Map;

/**
 * One record of Lambda's Kafka event, as delivered: key and value stay base64 text.
 *
 * @param topic         the topic
 * @param partition     the partition number
 * @param offset        the record's offset in its partition
 * @param timestamp     the record timestamp, epoch milliseconds
 * @param timestampType {@code CREATE_TIME} or {@code LOG_APPEND_TIME}
 * @param key           base64 key; null when the record has none
 * @param value         base64 value; null for a tombstone
 * @param headers       headers in record order, each a one-entry map of name to raw bytes
 */
public record KafkaRecord(String topic, int partition, long offset, long timestamp, String timestampType,
        String key, String value, List<Map<String, byte[]>> headers) {

    /** The event's key for this record's partition, also the partial batch response's {@code partition}. */
    public String partitionKey() {
        return topic + "-" + partition;
    }

    @Override
    public String toString() {
        return partitionKey() + "@" + offset;
    }
}
