package dev.refarch.realtime.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Builds events in the shape Lambda sends for an Amazon MSK trigger (AWS docs, "Using Lambda
 * with Amazon MSK", example event): records keyed {@code "<topic>-<partition>"}, base64 key and
 * value, headers as a list of {@code {name: [byte, ...]}} with signed bytes.
 */
final class MskEvents {

    static final String TOPIC = "ticks";
    static final String CLUSTER_ARN = "arn:aws:kafka:eu-west-1:123456789012:cluster/realtime/abc-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode event = JSON.createObjectNode();

    MskEvents() {
        event.put("eventSource", "aws:kafka");
        event.put("eventSourceArn", CLUSTER_ARN);
        event.put("bootstrapServers", "b-1.realtime.abc.c2.kafka.eu-west-1.amazonaws.com:9096");
        event.putObject("records");
    }

    /** Adds a record whose value is {@code value} (UTF-8); returns this builder. */
    MskEvents add(int partition, long offset, String key, String value) {
        return addBytes(partition, offset, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    MskEvents addBytes(int partition, long offset, String key, byte[] value) {
        ObjectNode records = (ObjectNode) event.get("records");
        ArrayNode list = records.has(TOPIC + "-" + partition) ? (ArrayNode) records.get(TOPIC + "-" + partition)
                : records.putArray(TOPIC + "-" + partition);
        ObjectNode record = list.addObject();
        record.put("topic", TOPIC);
        record.put("partition", partition);
        record.put("offset", offset);
        record.put("timestamp", 1_767_623_400_000L + offset);
        record.put("timestampType", "CREATE_TIME");
        if (key != null) {
            record.put("key", Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)));
        }
        record.put("value", value == null ? null : Base64.getEncoder().encodeToString(value));
        ArrayNode bytes = record.putArray("headers").addObject().putArray("producer");
        for (byte b : "sim-é".getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b);
        }
        return this;
    }

    /**
     * A valid tick record value: symbol, the offset as volume so order can be checked, and
     * offset + 1 as its sequence (the producer's contract: a JSON integer that only grows).
     */
    static String tick(String symbol, long offset) {
        return String.format(Locale.ROOT, "{\"symbol\":\"%s\",\"price\":%d.5,\"open\":100.0,\"high\":%d.0,"
                + "\"low\":99.0,\"volume\":%d,\"timestamp\":\"2026-01-05T14:30:00Z\",\"sequence\":%d}", symbol,
                100 + offset % 50, 200 + offset % 50, offset, offset + 1);
    }

    String json() {
        try {
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    InputStream stream() {
        return new ByteArrayInputStream(json().getBytes(StandardCharsets.UTF_8));
    }

    MskEvent parsed() {
        try {
            return new MskEventParser(JSON).parse(stream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
