package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.msk.testing.MskEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The consumer's MSK event source mapping, as the Lambda docs describe it and the Streaming stack
 * configures it: a consumer group reading the topic from LATEST over SCRAM; batches of up to
 * {@value #BATCH_SIZE} records gathered for at most the batching window (the stack's
 * {@link Functions#CONSUMER_BATCHING_WINDOW_SECONDS}, {@link LocalSettings#batchingWindowSeconds()}); each batch
 * turned into Lambda's MSK event JSON ({@link MskEvents}) and invoked synchronously; the partial
 * batch response honoured per partition (a partition's records from its lowest reported offset on
 * are failed, an identifier not in the batch fails the whole batch, a function error fails it
 * all); offsets committed only for what succeeded; failed records retried up to
 * {@value #MAXIMUM_RETRY_ATTEMPTS} times, then the whole invocation record written to the S3
 * on-failure bucket and skipped.
 */
final class EventSourceMappingComponent implements Component {

    static final int BATCH_SIZE = Functions.CONSUMER_BATCH_SIZE;
    static final int MAXIMUM_RETRY_ATTEMPTS = Functions.CONSUMER_RETRY_ATTEMPTS;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(4);
    private static final Logger LOG = LoggerFactory.getLogger(EventSourceMappingComponent.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd/yyyy-MM-dd'T'HH.mm.ss")
            .withZone(ZoneOffset.UTC);

    private final LocalSettings settings;
    private final KafkaComponent kafka;
    private final Invocable function;
    private final S3Component s3;
    private final AwsAccess roleAccess;
    private final String scramSecretArn;
    private final Duration maxBackoff;
    private final String uuid = UUID.randomUUID().toString();
    private final Deque<ConsumerRecord<byte[], byte[]>> surplus = new ArrayDeque<>();
    private KafkaConsumer<byte[], byte[]> consumer;
    private final MappingPoller poller = new MappingPoller("event-source-mapping", "event source mapping", LOG, false,
            Duration.ofSeconds(10));
    private S3Client s3Client;

    /**
     * @param roleAccess     where and as whom the mapping calls AWS: Lambda reads the SCRAM secret and
     *                       writes skipped batches to the on-failure bucket with the function's execution
     *                       role, so the run signs as the function's identity through the IAM gateway
     * @param scramSecretArn the secret the mapping authenticates to the broker with (its
     *                       {@code SASL_SCRAM_512_AUTH} source access configuration), read at start; null
     *                       to take the broker's credentials directly (tests without Secrets Manager)
     */
    EventSourceMappingComponent(LocalSettings settings, KafkaComponent kafka, Invocable function, S3Component s3,
                                AwsAccess roleAccess, String scramSecretArn) {
        this(settings, kafka, function, s3, roleAccess, scramSecretArn, MAX_BACKOFF);
    }

    /** With the longest wait between retries (tests shorten it). */
    EventSourceMappingComponent(LocalSettings settings, KafkaComponent kafka, Invocable function, S3Component s3,
                                AwsAccess roleAccess, String scramSecretArn, Duration maxBackoff) {
        this.settings = settings;
        this.kafka = kafka;
        this.function = function;
        this.s3 = s3;
        this.roleAccess = roleAccess;
        this.scramSecretArn = scramSecretArn;
        this.maxBackoff = maxBackoff;
    }

    @Override
    public String name() {
        return "event-source-mapping";
    }

    /**
     * The broker login from the SCRAM secret, read as Lambda reads it for the mapping: with the
     * function's role, so the role needs {@code secretsmanager:GetSecretValue} on the secret and
     * {@code kms:Decrypt} on its key through Secrets Manager, as on AWS.
     */
    private String scramLogin() {
        try (SecretsManagerClient secrets = AwsClients.secretsManager(roleAccess)) {
            JsonNode secret = JSON.readTree(secrets.getSecretValue(g -> g.secretId(scramSecretArn)).secretString());
            return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                    + secret.path("username").asText() + "\" password=\"" + secret.path("password").asText() + "\";";
        } catch (java.io.IOException e) {
            throw new LocalRunException("the SCRAM secret " + scramSecretArn + " is not JSON: " + e.getMessage());
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new LocalRunException("the mapping cannot read its SCRAM secret with the consumer's role: "
                    + e.getMessage());
        }
    }

    @Override
    public void start() {
        Properties props = kafka.clientProperties();
        if (scramSecretArn != null) {
            props.put(SaslConfigs.SASL_JAAS_CONFIG, scramLogin());
        }
        props.put(ConsumerConfig.GROUP_ID_CONFIG, uuid);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(BATCH_SIZE));
        // Retries of one batch may take minutes; the group must not evict the poller meanwhile.
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Integer.toString(30 * 60 * 1000));
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(settings.config().topic()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (consumer.assignment().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new LocalRunException("the poller got no partitions of " + settings.config().topic());
            }
            consumer.poll(Duration.ofMillis(200)).forEach(surplus::add);
        }
        // Pin LATEST now, so every record produced after "ready" is delivered.
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            start.put(partition, new OffsetAndMetadata(consumer.position(partition)));
        }
        consumer.commitSync(start);
        s3Client = AwsClients.s3(roleAccess);
        try {
            // Lambda documents s3:ListBucket on the destination bucket for the function's role
            // (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html); HeadBucket needs exactly it.
            s3Client.headBucket(h -> h.bucket(s3.bucket()));
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new LocalRunException("the mapping cannot reach its on-failure bucket " + s3.bucket()
                    + " with the consumer's role: " + e.getMessage());
        }
        poller.start(this::pollLoop, () -> consumer.close(Duration.ofSeconds(2)));
    }

    private void pollLoop() throws InterruptedException {
        while (poller.running()) {
            List<ConsumerRecord<byte[], byte[]>> batch = gather();
            if (!batch.isEmpty()) {
                deliver(batch);
            }
        }
    }

    /** Up to BATCH_SIZE records, waiting at most the batching window after the first one. */
    private List<ConsumerRecord<byte[], byte[]>> gather() {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        while (!surplus.isEmpty() && batch.size() < BATCH_SIZE) {
            batch.add(surplus.removeFirst());
        }
        if (batch.isEmpty()) {
            consumer.poll(Duration.ofMillis(200)).forEach(batch::add);
            if (batch.isEmpty()) {
                return batch;
            }
        }
        // A window of 0 hands over what the first poll returned at once, as Lambda does.
        long windowEnds = System.nanoTime() + Duration.ofSeconds(settings.batchingWindowSeconds()).toNanos();
        while (batch.size() < BATCH_SIZE && poller.running()) {
            long left = windowEnds - System.nanoTime();
            if (left <= 0) {
                break;
            }
            consumer.poll(Duration.ofNanos(left)).forEach(batch::add);
        }
        while (batch.size() > BATCH_SIZE) {
            surplus.addFirst(batch.remove(batch.size() - 1));
        }
        return batch;
    }

    /** One batch, retried until it succeeded or its retries are exhausted. */
    private void deliver(List<ConsumerRecord<byte[], byte[]>> batch) throws InterruptedException {
        List<ConsumerRecord<byte[], byte[]>> pending = batch;
        for (int invocation = 1; poller.running(); invocation++) {
            String event = MskEvents.json(clusterArn(), kafka.bootstrapServers(), pending);
            Attempt attempt = invoke(event, pending);
            commit(pending, attempt.failed());
            if (attempt.failed().isEmpty()) {
                return;
            }
            if (invocation > MAXIMUM_RETRY_ATTEMPTS) {
                String failedEvent = MskEvents.json(clusterArn(), kafka.bootstrapServers(), attempt.failed());
                writeFailure(failedEvent, attempt, invocation);
                commitPast(attempt.failed());
                return;
            }
            LOG.warn("batch of {} records: {} failed ({}); retry {} of {}", pending.size(), attempt.failed().size(),
                    attempt.reason(), invocation, MAXIMUM_RETRY_ATTEMPTS);
            Thread.sleep(Math.min(maxBackoff.toMillis(), 250L << Math.min(invocation, 8)));
            pending = attempt.failed();
        }
    }

    /** The records of one invocation that failed, and why. */
    record Attempt(List<ConsumerRecord<byte[], byte[]>> failed, String reason, String functionError) {
    }

    private Attempt invoke(String event, List<ConsumerRecord<byte[], byte[]>> records) throws InterruptedException {
        RuntimeApi.Result result;
        try {
            result = function.invoke(event);
        } catch (LocalRunException e) {
            return new Attempt(records, e.getMessage(), "Unhandled");
        }
        if (result.error()) {
            return new Attempt(records, "function error " + result.body(), "Unhandled");
        }
        return partialBatchResponse(result.body(), records);
    }

    /**
     * Reads {@code {"batchItemFailures":[{"itemIdentifier":{"partition":"<topic>-<n>","offset":N}}]}}
     * (Lambda docs, "Partial batch responses" for Kafka). Per partition, the lowest reported offset
     * and every later record of that partition fail; anything unreadable fails the whole batch.
     */
    static Attempt partialBatchResponse(String body, List<ConsumerRecord<byte[], byte[]>> records) {
        JsonNode response;
        try {
            response = body == null || body.isBlank() || body.equals("null") ? null : JSON.readTree(body);
        } catch (java.io.IOException e) {
            return new Attempt(records, "the response is not JSON", null);
        }
        JsonNode failures = response == null ? null : response.get("batchItemFailures");
        if (failures == null || failures.isNull() || (failures.isArray() && failures.isEmpty())) {
            return new Attempt(List.of(), "", null);
        }
        if (!failures.isArray()) {
            return new Attempt(records, "batchItemFailures is not a list", null);
        }
        Map<String, Long> lowest = new HashMap<>();
        for (JsonNode failure : failures) {
            JsonNode id = failure.get("itemIdentifier");
            String partition = id == null ? null : id.path("partition").asText(null);
            JsonNode offsetNode = id == null ? null : id.get("offset");
            if (partition == null || offsetNode == null || !offsetNode.canConvertToLong()) {
                return new Attempt(records, "unreadable itemIdentifier " + failure, null);
            }
            long offset = offsetNode.asLong();
            boolean inBatch = records.stream().anyMatch(r -> key(r).equals(partition) && r.offset() == offset);
            if (!inBatch) {
                return new Attempt(records, "itemIdentifier " + id + " is not in the batch", null);
            }
            lowest.merge(partition, offset, Math::min);
        }
        List<ConsumerRecord<byte[], byte[]>> failed = records.stream()
                .filter(r -> lowest.containsKey(key(r)) && r.offset() >= lowest.get(key(r)))
                .toList();
        return new Attempt(failed, "batchItemFailures " + lowest, null);
    }

    private static String key(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition();
    }

    /** Commits, per partition, up to the first failed record (or past the last one). */
    private void commit(List<ConsumerRecord<byte[], byte[]>> records, List<ConsumerRecord<byte[], byte[]>> failed) {
        Map<TopicPartition, Long> firstFailed = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : failed) {
            firstFailed.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            Long stop = firstFailed.get(tp);
            long next = stop != null ? stop : r.offset() + 1;
            offsets.merge(tp, new OffsetAndMetadata(next), (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    private void commitPast(List<ConsumerRecord<byte[], byte[]>> records) {
        commit(records, List.of());
    }

    /** The invocation record an S3 on-failure destination receives (Lambda docs, kafka-on-failure). */
    private void writeFailure(String event, Attempt attempt, int invocations) {
        Instant now = Instant.now();
        ObjectNode record = JSON.createObjectNode();
        ObjectNode request = record.putObject("requestContext");
        request.put("requestId", UUID.randomUUID().toString());
        request.put("functionArn", function.functionArn());
        request.put("condition", "RetryAttemptsExhausted");
        request.put("approximateInvokeCount", invocations);
        ObjectNode response = record.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "$LATEST");
        if (attempt.functionError() != null) {
            response.put("functionError", attempt.functionError());
        }
        record.put("version", "1.0");
        record.put("timestamp", now.toString());
        ObjectNode info = record.putObject("KafkaBatchInfo");
        info.put("batchSize", attempt.failed().size());
        info.put("eventSourceArn", clusterArn());
        info.put("bootstrapServers", kafka.bootstrapServers());
        info.put("payloadSize", event.getBytes(StandardCharsets.UTF_8).length);
        ObjectNode recordsInfo = info.putObject("recordsInfo");
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byPartition = new LinkedHashMap<>();
        attempt.failed().forEach(r -> byPartition.computeIfAbsent(key(r), k -> new ArrayList<>()).add(r));
        byPartition.forEach((partition, rs) -> {
            ObjectNode p = recordsInfo.putObject(partition);
            p.put("firstRecordOffset", Long.toString(rs.get(0).offset()));
            p.put("lastRecordOffset", Long.toString(rs.get(rs.size() - 1).offset()));
            p.put("firstRecordTimestamp", Instant.ofEpochMilli(rs.get(0).timestamp()).toString());
            p.put("lastRecordTimestamp", Instant.ofEpochMilli(rs.get(rs.size() - 1).timestamp()).toString());
        });
        record.put("payload", event);
        String key = "aws/lambda/" + uuid + "/" + byPartition.keySet().iterator().next() + "/" + KEY_TIME.format(now)
                + "-" + UUID.randomUUID();
        s3Client.putObject(p -> p.bucket(s3.bucket()).key(key).contentType("application/json"),
                RequestBody.fromString(record.toString()));
        LOG.warn("{} records exhausted {} retries ({}); invocation record written to s3://{}/{}",
                attempt.failed().size(), MAXIMUM_RETRY_ATTEMPTS, attempt.reason(), s3.bucket(), key);
    }

    /** The consumer group, named like the mapping's UUID as Lambda names it. */
    String groupId() {
        return uuid;
    }

    private String clusterArn() {
        return MskEvents.LOCAL_CLUSTER_ARN;
    }

    @Override
    public String readyDetail() {
        return settings.config().topic() + " -> " + function.name() + " (batch " + BATCH_SIZE + ", window "
                + settings.batchingWindowSeconds() + " s, " + MAXIMUM_RETRY_ATTEMPTS + " retries, then s3://" + s3.bucket() + ")";
    }

    @Override
    public Optional<String> failure() {
        return poller.failure();
    }

    @Override
    public void stop() {
        if (!poller.stop() && consumer != null) {
            consumer.close(Duration.ofSeconds(2));
        }
        if (s3Client != null) {
            s3Client.close();
        }
    }

    @Override
    public Path log() {
        return settings.logs().file("runner");
    }
}
