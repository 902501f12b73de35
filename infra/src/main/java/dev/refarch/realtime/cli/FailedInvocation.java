package dev.refarch.realtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One object of the S3 on-failure destination of the consumer's Kafka event source mapping: the
 * invocation record Lambda writes when a batch exhausted its retries. As documented in "Capturing
 * discarded batches for Amazon MSK and self-managed Apache Kafka event sources"
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html, "S3 destination example
 * invocation record"), it is a JSON object with {@code requestContext} ({@code condition}:
 * {@code RetryAttemptsExhausted} or {@code MaximumPayloadSizeExceeded}), {@code responseContext},
 * {@code version}, {@code timestamp} (ISO-8601), {@code KafkaBatchInfo} ({@code batchSize},
 * {@code eventSourceArn}, {@code recordsInfo} keyed {@code "<topic>-<partition>"} with first and
 * last offsets) and, for S3 only, {@code payload}: the original invocation event "as an escaped
 * JSON string", i.e. Lambda's MSK event with {@code records} keyed {@code "<topic>-<partition>"}.
 * A payload given as a JSON object is read the same way.
 *
 * @param key       the S3 object key
 * @param timestamp when Lambda wrote the record
 * @param condition why the batch was discarded
 * @param records   every record of the original event, by partition key, each partition in offset order
 */
record FailedInvocation(String key, Instant timestamp, String condition, Map<String, List<FailedRecord>> records) {

    /** Oldest first, then by key: the order in which the batches failed. */
    static final Comparator<FailedInvocation> TIME_ORDER =
            Comparator.comparing(FailedInvocation::timestamp).thenComparing(FailedInvocation::key);

    /** Total records. */
    int size() {
        return records.values().stream().mapToInt(List::size).sum();
    }

    /**
     * Parses an object's bytes.
     *
     * @throws ReplayFailure with {@link TicksCli#UNREADABLE_OBJECT} when it is not such a record
     *                       (or has no payload); the message never quotes the object
     */
    static FailedInvocation parse(String key, byte[] bytes, ObjectMapper json) {
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (IOException e) {
            throw unreadable(key, "not JSON", e);
        }
        if (root == null || !root.isObject() || !root.has("KafkaBatchInfo")) {
            throw unreadable(key, "not a Kafka invocation record (no KafkaBatchInfo)", null);
        }
        Instant timestamp;
        try {
            timestamp = Instant.parse(root.path("timestamp").asText());
        } catch (DateTimeParseException e) {
            throw unreadable(key, "no ISO-8601 timestamp", e);
        }
        String condition = root.at("/requestContext/condition").asText("");
        JsonNode payload = root.get("payload");
        if (payload == null || payload.isNull()) {
            throw unreadable(key, "no payload (condition " + condition + "): the records are not in it", null);
        }
        if (payload.isTextual()) {
            try {
                payload = json.readTree(payload.asText());
            } catch (IOException e) {
                throw unreadable(key, "payload is not a JSON event", e);
            }
        }
        if (payload == null || !payload.path("records").isObject()) {
            throw unreadable(key, "payload has no records", null);
        }
        Map<String, List<FailedRecord>> records = new java.util.TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> partitions = payload.get("records").fields();
        while (partitions.hasNext()) {
            Map.Entry<String, JsonNode> partition = partitions.next();
            List<FailedRecord> list = new ArrayList<>();
            int position = 0;
            for (JsonNode record : partition.getValue()) {
                if (!record.hasNonNull("topic") || !record.hasNonNull("partition") || !record.path("offset").canConvertToLong()) {
                    throw unreadable(key, "record " + position + " of " + partition.getKey()
                            + " lacks topic, partition or offset", null);
                }
                JsonNode value = record.get("value");
                list.add(new FailedRecord(record.get("topic").asText(), record.get("partition").asInt(),
                        record.get("offset").asLong(), value == null || value.isNull() ? null : value.asText()));
                position++;
            }
            list.sort(Comparator.comparingLong(FailedRecord::offset));
            records.put(partition.getKey(), List.copyOf(list));
        }
        return new FailedInvocation(key, timestamp, condition, records);
    }

    private static ReplayFailure unreadable(String key, String why, Throwable cause) {
        return new ReplayFailure(TicksCli.UNREADABLE_OBJECT, "s3 object " + key + ": " + why, cause);
    }
}
