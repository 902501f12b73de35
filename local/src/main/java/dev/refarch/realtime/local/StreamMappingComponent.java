package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.infra.constructs.ReviewBroadcaster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The review broadcaster's DynamoDB Streams event source mapping, as the API stack configures it
 * ({@link ReviewBroadcaster}): the table's stream read from LATEST, one batch per shard at a time
 * (ParallelizationFactor 1), no batching window, batches of up to {@link ReviewBroadcaster#BATCH_SIZE}
 * records turned into Lambda's DynamoDB event JSON and invoked synchronously; the partial batch
 * response honoured (the batch checkpoints before the reported record, which comes again at the
 * head of the next batch with everything after it; an identifier not in the batch, or a function
 * error, fails the whole batch); a failing head retried up to {@link ReviewBroadcaster#RETRY_ATTEMPTS}
 * times, then given up (logged with its sequence numbers, as the SQS destination receives them).
 * Lambda polls a stream's shard four times a second; so does this when the shard is idle.
 *
 * <p>Not modelled: batch bisection, {@code MaximumRecordAgeInSeconds}, the 6 MB payload limit,
 * shard splits (DynamoDB Local serves one open shard per stream here; a closed shard's children
 * are picked up at their start).
 */
final class StreamMappingComponent implements Component {

    static final Duration IDLE_POLL = Duration.ofMillis(250);
    /** GetRecords returns at most 1,000 records per call. */
    private static final int GET_RECORDS_LIMIT = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(StreamMappingComponent.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalSettings settings;
    private final DynamoDbComponent dynamo;
    private final String logicalTable;
    private final Invocable function;
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AwsAccess streamsAccess;
    private DynamoDbStreamsClient streams;
    private String streamArn;
    private final MappingPoller poller = new MappingPoller("review-stream-mapping", "stream mapping", LOG, true,
            Duration.ofSeconds(5));

    /**
     * @param streamsAccess where and as whom the mapping reads the stream: Lambda does it with the
     *                      function's execution role, so the run signs as the function's identity
     *                      through the IAM gateway (finding the stream ARN is the deploy's part, direct)
     */
    StreamMappingComponent(LocalSettings settings, DynamoDbComponent dynamo, String logicalTable,
                           AwsAccess streamsAccess, Invocable function) {
        this.settings = settings;
        this.dynamo = dynamo;
        this.logicalTable = logicalTable;
        this.function = function;
        this.streamsAccess = streamsAccess;
    }

    @Override
    public String name() {
        return "review-stream-mapping";
    }

    @Override
    public void start() {
        streams = AwsClients.dynamoStreams(streamsAccess);
        // Lambda documents dynamodb:ListStreams among what its stream poller needs from the function's
        // role (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html); the local poller finds the stream with it.
        streamArn = streams.listStreams(l -> l.tableName(dynamo.table(logicalTable))).streams().stream()
                .map(software.amazon.awssdk.services.dynamodb.model.Stream::streamArn).findFirst().orElse(null);
        if (streamArn == null) {
            throw new LocalRunException("table " + dynamo.table(logicalTable) + " has no stream");
        }
        List<ShardReader> readers = new ArrayList<>();
        for (Shard shard : shards()) {
            if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
                // LATEST, pinned now: every write after "ready" is delivered.
                readers.add(new ShardReader(shard.shardId(), iterator(shard.shardId(), ShardIteratorType.LATEST)));
            }
        }
        poller.start(() -> pollLoop(readers), () -> { });
    }

    private List<Shard> shards() {
        return streams.describeStream(d -> d.streamArn(streamArn)).streamDescription().shards();
    }

    private String iterator(String shardId, ShardIteratorType type) {
        return streams.getShardIterator(g -> g.streamArn(streamArn).shardId(shardId).shardIteratorType(type))
                .shardIterator();
    }

    /** One shard's position and the records read but not yet checkpointed. */
    private static final class ShardReader {
        final String shardId;
        String iterator;
        final List<Record> pending = new ArrayList<>();
        int headAttempts;

        ShardReader(String shardId, String iterator) {
            this.shardId = shardId;
            this.iterator = iterator;
        }
    }

    private void pollLoop(List<ShardReader> readers) throws InterruptedException {
        java.util.Set<String> known = new java.util.HashSet<>();
        readers.forEach(r -> known.add(r.shardId));
        long lastShardScan = System.nanoTime();
        while (poller.running()) {
            boolean delivered = false;
            for (ShardReader reader : readers) {
                read(reader);
                if (!reader.pending.isEmpty()) {
                    deliver(reader);
                    delivered = true;
                }
            }
            readers.removeIf(r -> r.iterator == null && r.pending.isEmpty());
            if (System.nanoTime() - lastShardScan > Duration.ofSeconds(10).toNanos()) {
                lastShardScan = System.nanoTime();
                for (Shard shard : shards()) {
                    if (known.add(shard.shardId())) {
                        readers.add(new ShardReader(shard.shardId(),
                                iterator(shard.shardId(), ShardIteratorType.TRIM_HORIZON)));
                    }
                }
            }
            if (!delivered) {
                Thread.sleep(IDLE_POLL.toMillis());
            }
        }
    }

    /** Reads what the shard holds now, up to a batch. */
    private void read(ShardReader reader) {
        while (reader.iterator != null && reader.pending.size() < ReviewBroadcaster.BATCH_SIZE) {
            int limit = Math.min(GET_RECORDS_LIMIT, ReviewBroadcaster.BATCH_SIZE - reader.pending.size());
            String iterator = reader.iterator;
            GetRecordsResponse response = streams.getRecords(g -> g.shardIterator(iterator).limit(limit));
            reader.iterator = response.nextShardIterator();
            reader.pending.addAll(response.records());
            if (response.records().isEmpty()) {
                return;
            }
        }
    }

    private void deliver(ShardReader reader) throws InterruptedException {
        List<Record> batch = List.copyOf(reader.pending.subList(0,
                Math.min(reader.pending.size(), ReviewBroadcaster.BATCH_SIZE)));
        int done = batch.size();
        String failure = null;
        try {
            RuntimeApi.Result result = function.invoke(event(batch).toString());
            invocations.incrementAndGet();
            if (result.error()) {
                done = 0;
                failure = "function error: " + result.body();
            } else {
                JsonNode failures = JSON.readTree(result.body().isBlank() ? "{}" : result.body()).path("batchItemFailures");
                if (failures.isArray() && !failures.isEmpty()) {
                    done = checkpoint(batch, failures);
                    failure = done < 0 ? "an identifier not in the batch: " + failures : "partial failure from "
                            + batch.get(done).dynamodb().sequenceNumber();
                    done = Math.max(done, 0);
                }
            }
        } catch (LocalRunException | com.fasterxml.jackson.core.JsonProcessingException e) {
            done = 0;
            failure = e.getMessage();
        }
        records.addAndGet(done);
        reader.pending.subList(0, done).clear();
        if (failure == null) {
            reader.headAttempts = 0;
            return;
        }
        reader.headAttempts = done > 0 ? 1 : reader.headAttempts + 1;
        if (reader.headAttempts > ReviewBroadcaster.RETRY_ATTEMPTS) {
            List<Record> given = List.copyOf(reader.pending.subList(0,
                    Math.min(reader.pending.size(), ReviewBroadcaster.BATCH_SIZE)));
            LOG.warn("{}: giving up on {} records of shard {} after {} retries ({}), sequence numbers {} to {}",
                    name(), given.size(), reader.shardId, ReviewBroadcaster.RETRY_ATTEMPTS, failure,
                    given.get(0).dynamodb().sequenceNumber(), given.get(given.size() - 1).dynamodb().sequenceNumber());
            reader.pending.subList(0, given.size()).clear();
            reader.headAttempts = 0;
            return;
        }
        LOG.info("{}: retrying shard {} from {} ({})", name(), reader.shardId,
                reader.pending.get(0).dynamodb().sequenceNumber(), failure);
        Thread.sleep(Math.min(1000L * reader.headAttempts, 4000L));
    }

    /** How many records of the batch are done: those before the lowest reported one; -1 when one is unknown. */
    static int checkpoint(List<Record> batch, JsonNode failures) {
        int lowest = Integer.MAX_VALUE;
        for (JsonNode failure : failures) {
            String id = failure.path("itemIdentifier").asText("");
            int index = -1;
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).dynamodb().sequenceNumber().equals(id)) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                return -1;
            }
            lowest = Math.min(lowest, index);
        }
        return lowest;
    }

    /** Lambda's DynamoDB Streams event (with-ddb.html) for these records. */
    ObjectNode event(List<Record> batch) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode list = event.putArray("Records");
        for (Record record : batch) {
            ObjectNode r = list.addObject();
            r.put("eventID", record.eventID());
            r.put("eventName", record.eventNameAsString());
            r.put("eventVersion", "1.1");
            r.put("eventSource", "aws:dynamodb");
            r.put("awsRegion", LocalSettings.REGION);
            ObjectNode d = r.putObject("dynamodb");
            if (record.dynamodb().approximateCreationDateTime() != null) {
                d.put("ApproximateCreationDateTime", record.dynamodb().approximateCreationDateTime().getEpochSecond());
            }
            d.set("Keys", image(record.dynamodb().keys()));
            if (record.dynamodb().hasNewImage()) {
                d.set("NewImage", image(record.dynamodb().newImage()));
            }
            d.put("SequenceNumber", record.dynamodb().sequenceNumber());
            d.put("SizeBytes", record.dynamodb().sizeBytes() == null ? 0 : record.dynamodb().sizeBytes());
            d.put("StreamViewType", "NEW_IMAGE");
            r.put("eventSourceARN", streamArn);
        }
        return event;
    }

    /** An item in the DynamoDB API's attribute-value JSON. */
    static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode node = JSON.createObjectNode();
        Map<String, AttributeValue> sorted = new LinkedHashMap<>(item);
        sorted.forEach((name, value) -> node.set(name, value(value)));
        return node;
    }

    private static JsonNode value(AttributeValue v) {
        ObjectNode node = JSON.createObjectNode();
        switch (v.type()) {
            case S -> node.put("S", v.s());
            case N -> node.put("N", v.n());
            case BOOL -> node.put("BOOL", v.bool());
            case NUL -> node.put("NULL", true);
            case B -> node.put("B", v.b().asByteArray());
            case SS -> v.ss().forEach(node.putArray("SS")::add);
            case NS -> v.ns().forEach(node.putArray("NS")::add);
            case BS -> v.bs().forEach(b -> node.withArray("BS").add(b.asByteArray()));
            case M -> node.set("M", image(v.m()));
            case L -> v.l().forEach(e -> node.withArray("L").add(value(e)));
            default -> throw new IllegalArgumentException("unknown attribute type " + v.type());
        }
        return node;
    }

    @Override
    public String readyDetail() {
        return "the " + logicalTable + " stream (from LATEST) into " + function.name() + ", batches of up to "
                + ReviewBroadcaster.BATCH_SIZE;
    }

    @Override
    public Optional<String> failure() {
        return poller.failure();
    }

    @Override
    public void stop() {
        poller.stop();
        if (streams != null) {
            streams.close();
        }
    }

    @Override
    public Path log() {
        return settings.logs().file("runner");
    }
}
