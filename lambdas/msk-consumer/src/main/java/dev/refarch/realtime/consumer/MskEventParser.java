package dev.refarch.realtime.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Lambda's Kafka event JSON: {@code records} keyed {@code "<topic>-<partition>"}, base64
 * {@code key}/{@code value}, {@code headers} as a list of {@code {name: [byte, ...]}}.
 * A malformed event is a platform problem, not a bad record: it throws, and the whole batch is retried.
 * Its messages name where (partition key, position, line and column) but never quote the event:
 * they become the function error and a log line, and the event holds the records' values.
 */
public final class MskEventParser {

    private final ObjectMapper json;

    /** A parser using this mapper. */
    public MskEventParser(ObjectMapper json) {
        this.json = json;
    }

    /** Parses one event. */
    public MskEvent parse(InputStream event) throws IOException {
        JsonNode root;
        try {
            root = json.readTree(event);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending token, which may be part of a record.
            throw new IOException("event is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IOException("event is not a JSON object");
        }
        Map<String, List<KafkaRecord>> records = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> partitions = root.path("records").fields();
        while (partitions.hasNext()) {
            Map.Entry<String, JsonNode> partition = partitions.next();
            List<KafkaRecord> list = new ArrayList<>(partition.getValue().size());
            int position = 0;
            for (JsonNode record : partition.getValue()) {
                list.add(record(record, partition.getKey(), position++));
            }
            // Lambda sends them in offset order; sorting makes the ordering guarantee ours.
            list.sort(Comparator.comparingLong(KafkaRecord::offset));
            records.put(partition.getKey(), List.copyOf(list));
        }
        return new MskEvent(text(root.get("eventSourceArn")), records);
    }

    private static KafkaRecord record(JsonNode node, String partitionKey, int position) throws IOException {
        for (String field : List.of("topic", "partition", "offset")) {
            if (!node.hasNonNull(field)) {
                throw new IOException("record " + position + " of " + partitionKey + " has no " + field);
            }
        }
        List<Map<String, byte[]>> headers = new ArrayList<>();
        for (JsonNode header : node.path("headers")) {
            Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                byte[] bytes = new byte[field.getValue().size()];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) field.getValue().get(i).asInt();
                }
                headers.add(Map.of(field.getKey(), bytes));
            }
        }
        return new KafkaRecord(node.get("topic").asText(), node.get("partition").asInt(),
                node.get("offset").asLong(), node.path("timestamp").asLong(), text(node.get("timestampType")),
                text(node.get("key")), text(node.get("value")), List.copyOf(headers));
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
