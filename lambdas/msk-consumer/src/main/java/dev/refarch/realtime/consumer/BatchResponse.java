package dev.refarch.realtime.consumer;

import java.util.List;

/**
 * Lambda's partial batch response for a Kafka event source mapping with
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}:
 * {@code {"batchItemFailures":[{"itemIdentifier":{"partition":"<topic>-<partition>","offset":100}}]}}.
 * For Kafka the identifier is an object, not the string that SQS, Kinesis and DynamoDB streams use
 * ({@code aws-lambda-java-events}' {@code StreamsEventResponse} has the wrong shape). Lambda
 * retries each reported partition from the reported offset; an identifier that is not in the
 * event fails the whole batch.
 * See https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
 * ("Partial batch response") and /work/shared/VERSIONS.md.
 */
public record BatchResponse(List<BatchItemFailure> batchItemFailures) {

    /** One failed record: Lambda retries its partition from here. */
    public record BatchItemFailure(ItemIdentifier itemIdentifier) {
    }

    /** A record's identity in the event: {@code "<topic>-<partition>"} and its offset. */
    public record ItemIdentifier(String partition, long offset) {
    }

    /** Reports these records. */
    static BatchResponse failures(List<KafkaRecord> records) {
        return new BatchResponse(records.stream()
                .map(r -> new BatchItemFailure(new ItemIdentifier(r.partitionKey(), r.offset())))
                .toList());
    }
}
