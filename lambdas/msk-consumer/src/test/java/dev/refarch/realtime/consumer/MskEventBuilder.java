package dev.refarch.realtime.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.msk.testing.MskEvents;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Builds the events Lambda sends for an Amazon MSK trigger from hand-written records, encoded by
 * msk-testing's {@link MskEvents} exactly as the event source mapping encodes records it read.
 */
final class MskEventBuilder {

    static final String TOPIC = "ticks";
    static final String CLUSTER_ARN = "arn:aws:kafka:eu-west-1:123456789012:cluster/realtime/abc-1";
    private static final String BOOTSTRAP_SERVERS = "b-1.realtime.abc.c2.kafka.eu-west-1.amazonaws.com:9096";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    /** Adds a record whose value is {@code value} (UTF-8); returns this builder. */
    MskEventBuilder add(int partition, long offset, String key, String value) {
        return addBytes(partition, offset, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds a record with raw value bytes (null for a tombstone); returns this builder. */
    MskEventBuilder addBytes(int partition, long offset, String key, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("producer", "sim-\u00e9".getBytes(StandardCharsets.UTF_8));
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        records.add(new ConsumerRecord<>(TOPIC, partition, offset, 1_767_623_400_000L + offset,
                TimestampType.CREATE_TIME, keyBytes == null ? -1 : keyBytes.length, value == null ? -1 : value.length,
                keyBytes, value, headers, Optional.empty()));
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

    /**
     * {@link #tick(String, long)} with the producer's {@code previousSequence} (the record contract's optional
     * field; {@code tick(symbol, offset)} has none, as an older producer's record).
     */
    static String tick(String symbol, long offset, long previousSequence) {
        String tick = tick(symbol, offset);
        return tick.substring(0, tick.length() - 1) + ",\"previousSequence\":" + previousSequence + "}";
    }

    String json() {
        return MskEvents.json(CLUSTER_ARN, BOOTSTRAP_SERVERS, records);
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
