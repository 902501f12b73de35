package dev.refarch.realtime.msk.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class MskEventsTest {

    private static final String ARN = MskEvents.LOCAL_CLUSTER_ARN;

    @Test
    void eventHasLambdasMskShapeWithRecordsKeyedByTopicAndPartition() throws Exception {
        var headers = new RecordHeaders(List.of(new RecordHeader("trace", new byte[] {104, -1, 0})));
        var first = record("ticks", 1, 15, "AMZN", "{\"price\":1}", headers);
        var second = record("ticks", 1, 16, "AMZN", "{\"price\":2}", new RecordHeaders());
        var other = record("ticks", 0, 3, "MSFT", "{\"price\":3}", new RecordHeaders());

        JsonNode event = new ObjectMapper().readTree(
                MskEvents.json(ARN, "127.0.0.1:9092,127.0.0.1:9093", List.of(first, other, second)));

        assertEquals("aws:kafka", event.get("eventSource").asText());
        assertEquals(ARN, event.get("eventSourceArn").asText());
        assertEquals("127.0.0.1:9092,127.0.0.1:9093", event.get("bootstrapServers").asText());
        assertEquals(List.of("ticks-1", "ticks-0"), iterableToList(event.get("records").fieldNames()));

        JsonNode partition1 = event.get("records").get("ticks-1");
        assertEquals(2, partition1.size());
        JsonNode r = partition1.get(0);
        assertEquals("ticks", r.get("topic").asText());
        assertEquals(1, r.get("partition").asInt());
        assertEquals(15L, r.get("offset").asLong());
        assertEquals(1_545_084_650_987L, r.get("timestamp").asLong());
        assertEquals("CREATE_TIME", r.get("timestampType").asText());
        assertEquals("AMZN", decode(r.get("key")));
        assertEquals("{\"price\":1}", decode(r.get("value")));
        assertEquals("[{\"trace\":[104,-1,0]}]", r.get("headers").toString());
        assertEquals(16L, partition1.get(1).get("offset").asLong());
        assertEquals("[]", partition1.get(1).get("headers").toString());
    }

    @Test
    void nullKeyIsLeftOut() {
        var tombstoneKeyless = new ConsumerRecord<byte[], byte[]>("ticks", 0, 1L, 1L, TimestampType.LOG_APPEND_TIME,
                0, 1, null, new byte[] {1}, new RecordHeaders(), Optional.empty());
        var event = MskEvents.event(ARN, "b:1", List.of(tombstoneKeyless));
        JsonNode r = event.get("records").get("ticks-0").get(0);
        assertFalse(r.has("key"));
        assertEquals("LOG_APPEND_TIME", r.get("timestampType").asText());
        assertArrayEquals(new byte[] {1}, Base64.getDecoder().decode(r.get("value").asText()));
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, String key,
                                                         String value, RecordHeaders headers) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(topic, partition, offset, 1_545_084_650_987L, TimestampType.CREATE_TIME,
                k.length, v.length, k, v, headers, Optional.empty());
    }

    private static String decode(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
