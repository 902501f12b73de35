package dev.refarch.realtime.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * How the local event source mapping reads a Kafka partial batch response
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html).
 */
class EventSourceMappingComponentTest {

    private static final List<ConsumerRecord<byte[], byte[]>> BATCH = List.of(
            record(0, 10), record(0, 11), record(0, 12), record(1, 5), record(1, 6), record(2, 7));

    @Test
    void anEmptyListOrNoResponseMeansTheWholeBatchSucceeded() {
        for (String body : List.of("{\"batchItemFailures\":[]}", "{}", "null", "")) {
            assertTrue(EventSourceMappingComponent.partialBatchResponse(body, BATCH).failed().isEmpty(), body);
        }
    }

    @Test
    void aReportedRecordFailsWithEveryLaterRecordOfItsPartitionOnly() {
        String body = "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"ticks-0\",\"offset\":11}},"
                + "{\"itemIdentifier\":{\"partition\":\"ticks-0\",\"offset\":12}},"
                + "{\"itemIdentifier\":{\"partition\":\"ticks-2\",\"offset\":7}}]}";
        List<String> failed = EventSourceMappingComponent.partialBatchResponse(body, BATCH).failed().stream()
                .map(r -> r.partition() + "@" + r.offset()).toList();
        assertEquals(List.of("0@11", "0@12", "2@7"), failed);
    }

    @Test
    void anIdentifierNotInTheBatchFailsTheWholeBatch() {
        String body = "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"ticks-1\",\"offset\":99}}]}";
        assertEquals(BATCH.size(), EventSourceMappingComponent.partialBatchResponse(body, BATCH).failed().size());
    }

    @Test
    void aStringIdentifierOrAResponseThatIsNotJsonFailsTheWholeBatch() {
        for (String body : List.of("{\"batchItemFailures\":[{\"itemIdentifier\":\"ticks-0:10\"}]}", "not json")) {
            assertEquals(BATCH.size(), EventSourceMappingComponent.partialBatchResponse(body, BATCH).failed().size(), body);
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset) {
        return new ConsumerRecord<>("ticks", partition, offset, new byte[0], new byte[0]);
    }
}
