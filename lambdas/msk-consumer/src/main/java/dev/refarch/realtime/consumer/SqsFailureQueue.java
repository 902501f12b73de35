package dev.refarch.realtime.consumer;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.consumer.Validation.Poison;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Parks poison records in an SQS queue with {@code SendMessageBatch}, one JSON message per
 * record: {@code reason}, {@code detail}, {@code topic}, {@code partition}, {@code offset},
 * {@code timestamp}, {@code key} and {@code value} (base64), {@code headers}.
 * A message that SQS does not confirm is returned as not parked, so its record is reported failed.
 */
public final class SqsFailureQueue implements FailureQueue {

    private static final Logger LOG = LoggerFactory.getLogger(SqsFailureQueue.class);

    /** Below this, a call is not even tried: the records are reported instead. */
    static final Duration MIN_CALL_TIME = Duration.ofMillis(50);
    /** One call (its SDK retries included) never takes longer than this, however much time is left. */
    static final Duration MAX_CALL_TIME = Duration.ofSeconds(10);
    /** SendMessageBatch takes at most 10 entries. */
    private static final int MAX_ENTRIES = 10;
    /** Stay under SQS's 256 KiB per batch (the older, lower limit) with room for the envelope. */
    private static final int MAX_BATCH_BYTES = 200 * 1024;
    /** Value bytes kept in a message; a longer value is truncated (and says so) to fit the batch. */
    static final int MAX_VALUE_BYTES = 16 * 1024;

    private final SqsClient sqs;
    private final String queueUrl;
    private final ObjectMapper json;

    /** A queue at {@code queueUrl} reached through {@code sqs}. */
    public SqsFailureQueue(SqsClient sqs, String queueUrl, ObjectMapper json) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.json = json;
    }

    @Override
    public List<Poison> park(List<Poison> records, Supplier<Duration> timeLeft) {
        List<Poison> notParked = new ArrayList<>();
        int start = 0;
        while (start < records.size()) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            int bytes = 0;
            int end = start;
            while (end < records.size() && entries.size() < MAX_ENTRIES) {
                String body = message(records.get(end));
                int size = body.getBytes(StandardCharsets.UTF_8).length;
                if (!entries.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
                    break;
                }
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(end - start))
                        .messageBody(body).build());
                bytes += size;
                end++;
            }
            notParked.addAll(send(records.subList(start, end), entries, timeLeft.get()));
            start = end;
        }
        return notParked;
    }

    private List<Poison> send(List<Poison> records, List<SendMessageBatchRequestEntry> entries, Duration left) {
        if (left.compareTo(MIN_CALL_TIME) < 0) {
            LOG.warn("no time left to park", entry("records", records.size()));
            return records;
        }
        try {
            // The call, its retries included, ends within the invocation's remaining time.
            Duration timeout = left.compareTo(MAX_CALL_TIME) < 0 ? left : MAX_CALL_TIME;
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)
                    .overrideConfiguration(o -> o.apiCallTimeout(timeout)));
            Set<String> ok = new HashSet<>();
            response.successful().forEach(entry -> ok.add(entry.id()));
            List<Poison> failed = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                if (!ok.contains(Integer.toString(i))) {
                    failed.add(records.get(i));
                }
            }
            for (BatchResultErrorEntry error : response.failed()) {
                LOG.warn("failure queue refused a message", entry("id", error.id()),
                        entry("code", String.valueOf(error.code())));
            }
            return failed;
        } catch (RuntimeException e) {
            // The exception's class only: SDK messages can carry the request (the record's value).
            LOG.warn("failure queue unreachable", entry("records", records.size()),
                    entry("cause", e.getClass().getSimpleName()));
            return records;
        }
    }

    /** The message for one record. */
    String message(Poison poison) {
        KafkaRecord record = poison.record();
        ObjectNode message = json.createObjectNode();
        message.put("reason", poison.reason().name());
        message.put("detail", poison.detail());
        message.put("topic", record.topic());
        message.put("partition", record.partition());
        message.put("offset", record.offset());
        message.put("timestamp", record.timestamp());
        message.put("timestampType", record.timestampType());
        message.put("key", record.key());
        String value = record.value();
        if (value != null && value.length() > MAX_VALUE_BYTES / 3 * 4) {
            byte[] head = Base64.getMimeDecoder().decode(value.substring(0, MAX_VALUE_BYTES / 3 * 4));
            message.put("value", Base64.getEncoder().encodeToString(head));
            message.put("valueTruncated", true);
            message.put("valueBase64Length", value.length());
        } else {
            message.put("value", value);
        }
        ObjectNode headers = message.putObject("headers");
        for (Map<String, byte[]> header : record.headers()) {
            header.forEach((name, bytes) -> headers.put(name, Base64.getEncoder().encodeToString(bytes)));
        }
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
