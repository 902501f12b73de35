package dev.refarch.realtime.msk.testing;

import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Builds the event JSON Lambda sends to a function triggered by an Amazon MSK event source
 * mapping, from records read with a real consumer, so a function can be invoked locally exactly
 * as Lambda would invoke it.
 *
 * <p>The shape (Lambda developer guide, "Using Lambda with Amazon MSK", example event):
 * {@code eventSource} {@code "aws:kafka"}, {@code eventSourceArn}, {@code bootstrapServers} (one
 * comma-separated string), and {@code records} keyed {@code "<topic>-<partition>"}, each record
 * with {@code topic}, {@code partition}, {@code offset}, {@code timestamp}, {@code timestampType},
 * base64 {@code key} and {@code value}, and {@code headers} as a list of one-entry objects
 * {@code {"name": [byte, ...]}} whose numbers are signed Java bytes. A null key or value is left
 * out.
 */
public final class MskEvents {

    /** The event source every MSK event carries. */
    public static final String EVENT_SOURCE = "aws:kafka";

    /** A well-formed cluster ARN for local runs, where there is no real cluster. */
    public static final String LOCAL_CLUSTER_ARN =
            "arn:aws:kafka:us-east-1:000000000000:cluster/local/00000000-0000-0000-0000-000000000000-1";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private MskEvents() {
    }

    /** The event as a JSON tree; records keep their given order within each partition. */
    public static ObjectNode event(String eventSourceArn, String bootstrapServers,
                                   Collection<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, ArrayNode> byPartition = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            byPartition.computeIfAbsent(r.topic() + "-" + r.partition(), k -> MAPPER.createArrayNode())
                    .add(record(r));
        }
        ObjectNode event = MAPPER.createObjectNode();
        event.put("eventSource", EVENT_SOURCE);
        event.put("eventSourceArn", eventSourceArn);
        event.put("bootstrapServers", bootstrapServers);
        ObjectNode recordsNode = event.putObject("records");
        byPartition.forEach(recordsNode::set);
        return event;
    }

    /** The event serialized as Lambda would send it. */
    public static String json(String eventSourceArn, String bootstrapServers,
                              Collection<ConsumerRecord<byte[], byte[]>> records) {
        try {
            return MAPPER.writeValueAsString(event(eventSourceArn, bootstrapServers, records));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Serializing an MSK event failed", e);
        }
    }

    private static ObjectNode record(ConsumerRecord<byte[], byte[]> r) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("topic", r.topic());
        node.put("partition", r.partition());
        node.put("offset", r.offset());
        node.put("timestamp", r.timestamp());
        node.put("timestampType", r.timestampType().name());
        if (r.key() != null) {
            node.put("key", BASE64.encodeToString(r.key()));
        }
        if (r.value() != null) {
            node.put("value", BASE64.encodeToString(r.value()));
        }
        ArrayNode headers = node.putArray("headers");
        for (Header h : r.headers()) {
            ArrayNode bytes = headers.addObject().putArray(h.key());
            if (h.value() != null) {
                for (byte b : h.value()) {
                    bytes.add(b);
                }
            }
        }
        return node;
    }
}
