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
 *
 * <p>SQS reports each entry of a batch on its own: some can be stored while others are refused
 * in the same HTTP 200 answer, each refusal with {@code SenderFault} saying whether the caller
 * caused it (SQS API Reference, SendMessageBatch and BatchResultErrorEntry:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_BatchResultErrorEntry.html).
 * Entries after a refused one may therefore already be stored; if the refused one were reported,
 * Lambda's redelivery from it would store them again. So only the refused entries are sent
 * again, with backoff, within the time left: a refusal that is not the sender's fault is
 * retried as it was; one that is (the message itself, which can never pass) is sent again as
 * {@link #reduced} (the record's coordinates and reason, no key, value or headers).
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
    /** Backoff between sends of refused entries: from 50 ms, doubling, each wait at most 1 s. */
    static final Duration REFUSED_RETRY_BASE = Duration.ofMillis(50);
    static final Duration REFUSED_RETRY_MAX = Duration.ofSeconds(1);

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
            notParked.addAll(sendUntilStored(records.subList(start, end), entries, timeLeft));
            start = end;
        }
        return notParked;
    }

    /**
     * Sends one batch, then only its refused entries again until every entry is stored or the
     * time is short; the records not stored, in order.
     */
    private List<Poison> sendUntilStored(List<Poison> records, List<SendMessageBatchRequestEntry> entries,
            Supplier<Duration> timeLeft) {
        Map<String, Poison> byId = new java.util.LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            byId.put(entries.get(i).id(), records.get(i));
        }
        List<SendMessageBatchRequestEntry> pending = entries;
        for (int attempt = 0; ; attempt++) {
            Map<String, BatchResultErrorEntry> refused = send(pending, timeLeft.get());
            if (refused == null) {
                // Unreachable: whether any entry was stored is not known.
                return notStored(byId, pending);
            }
            if (refused.isEmpty()) {
                return List.of();
            }
            Duration delay = backoff(attempt);
            if (timeLeft.get().compareTo(delay.plus(MIN_CALL_TIME)) < 0) {
                LOG.warn("no time left to send refused messages again", entry("records", refused.size()));
                return notStored(byId, pending.stream().filter(e -> refused.containsKey(e.id())).toList());
            }
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return notStored(byId, pending.stream().filter(x -> refused.containsKey(x.id())).toList());
            }
            List<SendMessageBatchRequestEntry> again = new ArrayList<>();
            for (SendMessageBatchRequestEntry entry : pending) {
                BatchResultErrorEntry error = refused.get(entry.id());
                if (error != null) {
                    again.add(Boolean.TRUE.equals(error.senderFault())
                            ? entry.toBuilder().messageBody(reduced(byId.get(entry.id()), error.code())).build()
                            : entry);
                }
            }
            pending = again;
        }
    }

    private static List<Poison> notStored(Map<String, Poison> byId, List<SendMessageBatchRequestEntry> entries) {
        Set<String> ids = new HashSet<>();
        entries.forEach(e -> ids.add(e.id()));
        return byId.entrySet().stream().filter(e -> ids.contains(e.getKey())).map(Map.Entry::getValue).toList();
    }

    private static Duration backoff(int attempt) {
        long millis = REFUSED_RETRY_BASE.toMillis() << Math.min(attempt, 10);
        return millis > REFUSED_RETRY_MAX.toMillis() ? REFUSED_RETRY_MAX : Duration.ofMillis(millis);
    }

    /**
     * One SendMessageBatch call: the refused entries by id (empty when all were stored), or null
     * when the call itself failed (nothing known; nothing counts as stored).
     */
    private Map<String, BatchResultErrorEntry> send(List<SendMessageBatchRequestEntry> entries, Duration left) {
        if (left.compareTo(MIN_CALL_TIME) < 0) {
            LOG.warn("no time left to park", entry("records", entries.size()));
            return null;
        }
        try {
            // The call, its retries included, ends within the invocation's remaining time.
            Duration timeout = left.compareTo(MAX_CALL_TIME) < 0 ? left : MAX_CALL_TIME;
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)
                    .overrideConfiguration(o -> o.apiCallTimeout(timeout)));
            Set<String> ok = new HashSet<>();
            response.successful().forEach(entry -> ok.add(entry.id()));
            Map<String, BatchResultErrorEntry> refused = new java.util.LinkedHashMap<>();
            for (BatchResultErrorEntry error : response.failed()) {
                LOG.warn("failure queue refused a message", entry("id", error.id()),
                        entry("code", String.valueOf(error.code())), entry("senderFault", error.senderFault()));
                refused.put(error.id(), error);
            }
            for (SendMessageBatchRequestEntry entry : entries) {
                if (!ok.contains(entry.id()) && !refused.containsKey(entry.id())) {
                    // Neither stored nor refused in the answer: treated as refused, not the sender's fault.
                    refused.put(entry.id(), BatchResultErrorEntry.builder().id(entry.id()).senderFault(false)
                            .code("MissingFromResponse").build());
                }
            }
            return refused;
        } catch (RuntimeException e) {
            // The exception's class only: SDK messages can carry the request (the record's value).
            LOG.warn("failure queue unreachable", entry("records", entries.size()),
                    entry("cause", e.getClass().getSimpleName()));
            return null;
        }
    }

    /**
     * The message for a record whose full message SQS refused as the sender's fault: its reason
     * and coordinates only (enough to find the record in the topic), nothing taken from its bytes.
     */
    String reduced(Poison poison, String refusedCode) {
        ObjectNode message = coordinates(poison);
        message.put("contentOmitted", "the failure queue refused the full message (" + refusedCode + ")");
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The reason and where the record is in the topic: what every failure-queue message carries. */
    private ObjectNode coordinates(Poison poison) {
        KafkaRecord record = poison.record();
        ObjectNode message = json.createObjectNode();
        message.put("reason", poison.reason().name());
        message.put("topic", record.topic());
        message.put("partition", record.partition());
        message.put("offset", record.offset());
        message.put("timestamp", record.timestamp());
        message.put("timestampType", record.timestampType());
        return message;
    }

    /** The message for one record. */
    String message(Poison poison) {
        KafkaRecord record = poison.record();
        ObjectNode message = coordinates(poison);
        message.put("detail", poison.detail());
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
