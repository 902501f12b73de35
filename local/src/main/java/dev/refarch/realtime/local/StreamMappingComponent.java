package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.infra.constructs.ReviewBroadcaster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * <p>Several stream shards ({@code --stream-shards=N}). DynamoDB Local serves one open shard per stream,
 * where a table on DynamoDB has one per partition, and Lambda processes the shards' batches at once, one
 * batch per shard at a time. So the one shard's records are split into N logical shards by a hash of the
 * item's partition key, as DynamoDB spreads items over partitions: all the records of one item go to one
 * logical shard, in the stream's order (DynamoDB Streams orders each item's records as its modifications,
 * Streams.html; with a ParallelizationFactor above 1 Lambda still keeps each item's records in order,
 * with-ddb.html, so this also stands for one shard processed N batches at a time). Each logical shard is
 * delivered by its own thread, one batch at a time, to its own execution environment (Lambda runs concurrent
 * invocations in separate environments), concurrently with the others; its retries and partial batch
 * responses are its own. An idle logical shard reads the stream for all of them, so reading stops while any
 * holds a whole batch not yet delivered.
 *
 * <p>Not modelled: batch bisection, {@code MaximumRecordAgeInSeconds}, the 6 MB payload limit,
 * shard splits (DynamoDB Local serves one open shard per stream here; a closed shard's children
 * are picked up at their start).
 */
final class StreamMappingComponent implements Component {

    static final Duration IDLE_POLL = Duration.ofMillis(250);
    /** GetRecords returns at most 1,000 records per call. */
    private static final int GET_RECORDS_LIMIT = 1000;
    /** How often the stream's shards are listed again, for children of a closed one. */
    private static final Duration SHARD_SCAN = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(StreamMappingComponent.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalSettings settings;
    private final DynamoDbComponent dynamo;
    private final String logicalTable;
    private final String partitionKey;
    private final List<Lane> lanes = new ArrayList<>();
    private final AwsAccess streamsAccess;
    private DynamoDbStreamsClient streams;
    private String streamArn;
    /** The stream's shards as read, and their ids; guarded by this. */
    private final List<ShardReader> readers = new ArrayList<>();
    private final Set<String> known = new HashSet<>();
    private long lastShardScan;

    /**
     * @param streamsAccess where and as whom the mapping reads the stream: Lambda does it with the
     *                      function's execution role, so the run signs as the function's identity
     *                      through the IAM gateway (finding the stream ARN is the deploy's part, direct)
     */
    StreamMappingComponent(LocalSettings settings, DynamoDbComponent dynamo, String logicalTable,
                           AwsAccess streamsAccess, Invocable function) {
        this(settings, dynamo, logicalTable, streamsAccess, List.of(function));
    }

    /**
     * @param environments one execution environment of the function per logical stream shard (see the class
     *                     comment): their number is the number of shards
     */
    StreamMappingComponent(LocalSettings settings, DynamoDbComponent dynamo, String logicalTable,
                           AwsAccess streamsAccess, List<? extends Invocable> environments) {
        if (environments.isEmpty()) {
            throw new IllegalArgumentException("no function to invoke");
        }
        this.settings = settings;
        this.dynamo = dynamo;
        this.logicalTable = logicalTable;
        this.partitionKey = DynamoDbComponent.partitionKey(logicalTable);
        this.streamsAccess = streamsAccess;
        for (int i = 0; i < environments.size(); i++) {
            lanes.add(new Lane(i, environments.get(i)));
        }
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
        synchronized (this) {
            for (Shard shard : shards()) {
                known.add(shard.shardId());
                if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
                    // LATEST, pinned now: every write after "ready" is delivered.
                    readers.add(new ShardReader(shard.shardId(), iterator(shard.shardId(), ShardIteratorType.LATEST)));
                }
            }
            lastShardScan = System.nanoTime();
        }
        for (Lane lane : lanes) {
            lane.poller.start(() -> deliveryLoop(lane), () -> { });
        }
    }

    private List<Shard> shards() {
        return streams.describeStream(d -> d.streamArn(streamArn)).streamDescription().shards();
    }

    private String iterator(String shardId, ShardIteratorType type) {
        return streams.getShardIterator(g -> g.streamArn(streamArn).shardId(shardId).shardIteratorType(type))
                .shardIterator();
    }

    /** One shard of the stream and its position. */
    private static final class ShardReader {
        final String shardId;
        String iterator;

        ShardReader(String shardId, String iterator) {
            this.shardId = shardId;
            this.iterator = iterator;
        }
    }

    /**
     * One logical shard: the records read for it but not yet checkpointed, in stream order, and the
     * environment its batches go to, one at a time.
     */
    private final class Lane {
        final int index;
        final Invocable function;
        final MappingPoller poller;
        /** Appended by whichever lane reads, taken from the head by this lane's thread; guarded by itself. */
        final List<Record> pending = new ArrayList<>();
        int headAttempts;

        Lane(int index, Invocable function) {
            this.index = index;
            this.function = function;
            this.poller = new MappingPoller("review-stream-mapping" + (index == 0 ? "" : "-" + (index + 1)),
                    "stream mapping", LOG, true, Duration.ofSeconds(5));
        }

        /** How the log names it. */
        String describe() {
            return lanes.size() == 1 ? "the stream's shard" : "logical shard " + (index + 1) + " of " + lanes.size();
        }

        int size() {
            synchronized (pending) {
                return pending.size();
            }
        }

        List<Record> head(int max) {
            synchronized (pending) {
                return List.copyOf(pending.subList(0, Math.min(pending.size(), max)));
            }
        }

        void drop(int count) {
            synchronized (pending) {
                pending.subList(0, count).clear();
            }
        }
    }

    private void deliveryLoop(Lane lane) throws InterruptedException {
        while (lane.poller.running()) {
            read();
            if (lane.size() > 0) {
                deliver(lane);
            } else {
                Thread.sleep(IDLE_POLL.toMillis());
            }
        }
    }

    /** The logical shard of an item: a hash of its partition key (MD5's first four bytes), modulo the shards. */
    static int shardOf(Map<String, AttributeValue> keys, String partitionKey, int shards) {
        if (shards == 1) {
            return 0;
        }
        AttributeValue key = keys.get(partitionKey);
        byte[] bytes = key == null ? new byte[0] : switch (key.type()) {
            case S -> key.s().getBytes(StandardCharsets.UTF_8);
            case N -> key.n().getBytes(StandardCharsets.UTF_8);
            case B -> key.b().asByteArray();
            default -> key.toString().getBytes(StandardCharsets.UTF_8);
        };
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(bytes);
            return Math.floorMod(ByteBuffer.wrap(digest).getInt(), shards);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }

    /**
     * Reads what the stream holds now into the logical shards: calls GetRecords while they come back full (a
     * backlog), not while new records keep trickling in, and stops once a shard holds a whole batch (so a shard
     * that retries holds the others back no further than a batch ahead of it).
     */
    private synchronized void read() {
        if (System.nanoTime() - lastShardScan > SHARD_SCAN.toNanos()) {
            lastShardScan = System.nanoTime();
            for (Shard shard : shards()) {
                if (known.add(shard.shardId())) {
                    readers.add(new ShardReader(shard.shardId(), iterator(shard.shardId(), ShardIteratorType.TRIM_HORIZON)));
                }
            }
        }
        for (ShardReader reader : readers) {
            while (reader.iterator != null) {
                int room = ReviewBroadcaster.BATCH_SIZE - lanes.stream().mapToInt(Lane::size).max().orElse(0);
                if (room <= 0) {
                    return;
                }
                String iterator = reader.iterator;
                int limit = Math.min(GET_RECORDS_LIMIT, room);
                GetRecordsResponse response = streams.getRecords(g -> g.shardIterator(iterator).limit(limit));
                reader.iterator = response.nextShardIterator();
                for (Record record : response.records()) {
                    Lane lane = lanes.get(shardOf(record.dynamodb().keys(), partitionKey, lanes.size()));
                    synchronized (lane.pending) {
                        lane.pending.add(record);
                    }
                }
                if (response.records().size() < limit) {
                    break;
                }
            }
        }
        readers.removeIf(r -> r.iterator == null);
    }

    private void deliver(Lane lane) throws InterruptedException {
        List<Record> batch = lane.head(ReviewBroadcaster.BATCH_SIZE);
        int done = batch.size();
        String failure = null;
        try {
            RuntimeApi.Result result = lane.function.invoke(event(batch).toString());
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
        lane.drop(done);
        if (failure == null) {
            lane.headAttempts = 0;
            return;
        }
        lane.headAttempts = done > 0 ? 1 : lane.headAttempts + 1;
        if (lane.headAttempts > ReviewBroadcaster.RETRY_ATTEMPTS) {
            List<Record> given = lane.head(ReviewBroadcaster.BATCH_SIZE);
            LOG.warn("{}: giving up on {} records of {} after {} retries ({}), sequence numbers {} to {}",
                    name(), given.size(), lane.describe(), ReviewBroadcaster.RETRY_ATTEMPTS, failure,
                    given.get(0).dynamodb().sequenceNumber(), given.get(given.size() - 1).dynamodb().sequenceNumber());
            lane.drop(given.size());
            lane.headAttempts = 0;
            return;
        }
        LOG.info("{}: retrying {} from {} ({})", name(), lane.describe(),
                lane.head(1).get(0).dynamodb().sequenceNumber(), failure);
        Thread.sleep(Math.min(1000L * lane.headAttempts, 4000L));
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
        return "the " + logicalTable + " stream (from LATEST) into " + lanes.get(0).function.name() + ", batches of up to "
                + ReviewBroadcaster.BATCH_SIZE + (lanes.size() == 1 ? "" : "; " + lanes.size() + " stream shards (by partition"
                + " key hash), each one batch at a time into its own environment: "
                + String.join(", ", lanes.stream().map(l -> l.function.name()).toList()));
    }

    @Override
    public Optional<String> failure() {
        return lanes.stream().map(l -> l.poller.failure()).flatMap(Optional::stream).findFirst();
    }

    @Override
    public void stop() {
        lanes.forEach(l -> l.poller.stop());
        if (streams != null) {
            streams.close();
        }
    }

    @Override
    public Path log() {
        return settings.logs().file("runner");
    }
}
