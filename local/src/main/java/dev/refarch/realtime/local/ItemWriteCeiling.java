package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * DynamoDB's per-item write ceiling, emulated for the local run: DynamoDB Local takes any rate, but
 * DynamoDB serves at most 1,000 write units per second on one partition (and so on one item,
 * whatever the table's capacity; on-demand tables too), and throttles the rest with a
 * {@code ProvisionedThroughputExceededException} whose {@code ThrottlingReasons} name
 * {@code TableWriteKeyRangeThroughputExceeded} (DynamoDB Developer Guide, "Key range throughput
 * exceeded (hot partitions)"; API reference, {@code ThrottlingReason}).
 *
 * <p>Per item (table and partition key value), a token bucket of {@code writesPerSecond} tokens,
 * refilled continuously, full at the start: a write of {@code PutItem}, {@code UpdateItem},
 * {@code DeleteItem}, and each item of {@code BatchWriteItem} and {@code TransactWriteItems}, takes
 * one (every write here is under 1 KB, one write unit); a request that finds any of its items' buckets
 * empty is refused whole, before DynamoDB Local sees it, so nothing of it is written. Reads are not
 * limited. Disabled ({@code writesPerSecond} 0), nothing is parsed.
 *
 * <p>The message text is ours; the status (400), the {@code __type} and the fields follow DynamoDB's
 * JSON protocol, so the SDKs parse it as the exception, and retry it as they retry any throttling.
 */
public final class ItemWriteCeiling {

    /** AWS's documented per-partition write ceiling. */
    public static final int DYNAMODB_WRITES_PER_ITEM_PER_SECOND = 1_000;
    /** The {@code __type} DynamoDB answers for a throttled request. */
    public static final String THROTTLED_TYPE = "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException";
    /** The throttling reason of a hot key. */
    public static final String REASON = "TableWriteKeyRangeThroughputExceeded";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SINGLE_WRITES = List.of("PutItem", "UpdateItem", "DeleteItem");

    private final int writesPerSecond;
    private final Map<String, String> partitionKeys;
    private final String arnPrefix;
    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();

    /**
     * @param writesPerSecond writes allowed per item per second; 0 disables the ceiling
     * @param partitionKeys   each table's partition key attribute, by real table name
     * @param arnPrefix       {@code arn:aws:dynamodb:<region>:<account>:table/}, for the throttling reason
     * @param nanos           the clock ({@code System::nanoTime})
     */
    public ItemWriteCeiling(int writesPerSecond, Map<String, String> partitionKeys, String arnPrefix,
                            LongSupplier nanos) {
        if (writesPerSecond < 0) {
            throw new IllegalArgumentException("writes per item per second " + writesPerSecond + " must be 0 (off) or more");
        }
        this.writesPerSecond = writesPerSecond;
        this.partitionKeys = Map.copyOf(partitionKeys);
        this.arnPrefix = arnPrefix;
        this.nanos = nanos;
    }

    public boolean enabled() {
        return writesPerSecond > 0;
    }

    public int writesPerSecond() {
        return writesPerSecond;
    }

    /** Requests refused so far. */
    public long refused() {
        return refused.sum();
    }

    /** A DynamoDB throttling answer. */
    public record Throttled(String table, String key, byte[] body) {
        public static final int STATUS = 400;
        public static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    }

    /**
     * Takes the request's writes from their items' buckets, or refuses it.
     *
     * @param target the {@code X-Amz-Target} header ({@code DynamoDB_20120810.UpdateItem}), null if none
     * @param body   the request's JSON body
     * @return the answer to send instead of forwarding, when the request is over the ceiling
     */
    public Optional<Throttled> admit(String target, byte[] body) {
        if (!enabled() || target == null) {
            return Optional.empty();
        }
        String operation = target.substring(target.indexOf('.') + 1);
        List<String[]> items;
        try {
            items = writtenItems(operation, body);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // DynamoDB Local answers a malformed request itself
        }
        if (items.isEmpty()) {
            return Optional.empty();
        }
        long now = nanos.getAsLong();
        List<Bucket> taken = new ArrayList<>();
        for (String[] item : items) {
            Bucket bucket = buckets.computeIfAbsent(item[0] + "\u0000" + item[1], k -> new Bucket(now));
            if (!bucket.take(now)) {
                taken.forEach(b -> b.giveBack());
                refused.increment();
                return Optional.of(new Throttled(item[0], item[1], body(item[0])));
            }
            taken.add(bucket);
        }
        return Optional.empty();
    }

    private byte[] body(String table) {
        ObjectNode error = JSON.createObjectNode();
        error.put("__type", THROTTLED_TYPE);
        error.put("message", "Throughput exceeds the current capacity for one or more partitions of table " + table
                + " (local run: more than " + writesPerSecond + " writes per second to one item). Retry with "
                + "exponential backoff, or spread the writes over more partition keys.");
        ObjectNode reason = error.putArray("ThrottlingReasons").addObject();
        reason.put("reason", REASON);
        reason.put("resource", arnPrefix + table);
        try {
            return JSON.writeValueAsBytes(error);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** (table, partition key value) of every item the request writes. */
    private List<String[]> writtenItems(String operation, byte[] body) throws IOException {
        List<String[]> items = new ArrayList<>();
        if (SINGLE_WRITES.contains(operation)) {
            JsonNode request = JSON.readTree(new String(body, StandardCharsets.UTF_8));
            add(items, request.path("TableName").asText(null),
                    operation.equals("PutItem") ? request.path("Item") : request.path("Key"));
        } else if (operation.equals("BatchWriteItem")) {
            JsonNode request = JSON.readTree(new String(body, StandardCharsets.UTF_8));
            request.path("RequestItems").fields().forEachRemaining(table -> {
                for (JsonNode write : table.getValue()) {
                    add(items, table.getKey(), write.has("PutRequest") ? write.path("PutRequest").path("Item")
                            : write.path("DeleteRequest").path("Key"));
                }
            });
        } else if (operation.equals("TransactWriteItems")) {
            JsonNode request = JSON.readTree(new String(body, StandardCharsets.UTF_8));
            for (JsonNode write : request.path("TransactItems")) {
                for (String kind : List.of("Put", "Update", "Delete")) {
                    JsonNode w = write.path(kind);
                    if (w.isObject()) {
                        add(items, w.path("TableName").asText(null), kind.equals("Put") ? w.path("Item") : w.path("Key"));
                    }
                }
            }
        }
        return items;
    }

    private void add(List<String[]> items, String table, JsonNode item) {
        String key = table == null ? null : partitionKeys.get(table);
        if (key != null && item.has(key)) {
            items.add(new String[] {table, item.get(key).toString()});
        }
    }

    /** Tokens of one item; synchronized per item, so writes to distinct items never wait on each other. */
    private final class Bucket {
        private double tokens;
        private long at;

        Bucket(long now) {
            this.tokens = writesPerSecond;
            this.at = now;
        }

        synchronized boolean take(long now) {
            tokens = Math.min(writesPerSecond, tokens + (now - at) * writesPerSecond / 1e9);
            at = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        synchronized void giveBack() {
            tokens = Math.min(writesPerSecond, tokens + 1);
        }
    }
}
