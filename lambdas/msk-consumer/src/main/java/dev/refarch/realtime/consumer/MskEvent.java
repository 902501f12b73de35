package dev.refarch.realtime.consumer;

import java.util.List;
import java.util.Map;

/**
 * Lambda's event for an Amazon MSK trigger.
 *
 * @param eventSourceArn the cluster ARN
 * @param records        records grouped by {@code "<topic>-<partition>"}, each list in offset order
 */
public record MskEvent(String eventSourceArn, Map<String, List<KafkaRecord>> records) {

    /** Total records in the batch. */
    public int size() {
        return records.values().stream().mapToInt(List::size).sum();
    }
}
