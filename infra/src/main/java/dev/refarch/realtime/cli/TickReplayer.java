package dev.refarch.realtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Re-publishes what the consumer's S3 on-failure bucket holds: every object not yet under
 * {@value #REPLAYED_PREFIX}, oldest invocation first; within one, each partition's records in
 * offset order, at most {@value #TICKS_PER_REQUEST} ticks per request and at most one per symbol:
 * AppSync runs every alias of a request, so a tick whose alias failed while a later tick of its
 * symbol in the same request was stored would be answered {@code StaleTick} by the next run and
 * never reach a subscriber (the consumer's rule too). A record already replayed
 * in this run (the same topic, partition and offset in an earlier object) is not sent again; a
 * fully handled object is moved under {@value #REPLAYED_PREFIX}, so a later run does not see it.
 * {@code StaleTick} answers count as delivered (the tick, or a newer one, already went out).
 * The first tick not known to be delivered stops the run: its object stays for the next run,
 * and nothing after it is sent, so order holds.
 */
public final class TickReplayer {

    /**
     * Where a replayed object is moved, in the same bucket. Every EventBridge rule on the failure
     * bucket excludes it: S3 reports the copy as "Object Created" too.
     */
    public static final String REPLAYED_PREFIX = "replayed/";
    static final int TICKS_PER_REQUEST = 25;
    private static final String[] NUMBERS = {"price", "open", "high", "low", "volume"};

    private final S3Client s3;
    private final String bucket;
    private final ReplaySink sink;
    private final ObjectMapper json;
    private final PrintWriter out;

    TickReplayer(S3Client s3, String bucket, ReplaySink sink, ObjectMapper json, PrintWriter out) {
        this.s3 = s3;
        this.bucket = bucket;
        this.sink = sink;
        this.json = json;
        this.out = out;
    }

    /** What a run did; {@link #stopped()} when a tick was not delivered. */
    record Summary(int objects, int published, int alreadyDelivered, int rejected, int invalid, int duplicates,
                   int unreadable, boolean stopped) {
    }

    /** Replays (or with {@code dryRun}, lists what it would send, sending and moving nothing). */
    Summary replay(boolean dryRun) {
        List<FailedInvocation> invocations = new ArrayList<>();
        int unreadable = 0;
        for (S3Object object : s3.listObjectsV2Paginator(l -> l.bucket(bucket)).contents()) {
            if (object.key().startsWith(REPLAYED_PREFIX)) {
                continue;
            }
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(g -> g.bucket(bucket).key(object.key()));
            try {
                invocations.add(FailedInvocation.parse(object.key(), bytes.asByteArray(), json));
            } catch (ReplayFailure e) {
                out.println("skipped " + e.getMessage() + "; left in place");
                unreadable++;
            }
        }
        invocations.sort(FailedInvocation.TIME_ORDER);
        if (invocations.isEmpty()) {
            out.println("nothing to replay in s3://" + bucket + (unreadable > 0 ? " (" + unreadable + " unreadable)" : ""));
            return new Summary(0, 0, 0, 0, 0, 0, unreadable, false);
        }
        Counts counts = new Counts();
        Set<String> replayed = new HashSet<>();
        int objects = 0;
        for (FailedInvocation invocation : invocations) {
            out.println("object " + invocation.key() + " (" + invocation.timestamp() + ", " + invocation.condition()
                    + "): " + invocation.size() + " records in " + invocation.records().size() + " partition(s)");
            for (Map.Entry<String, List<FailedRecord>> partition : invocation.records().entrySet()) {
                if (!replayPartition(partition.getValue(), replayed, dryRun, counts)) {
                    out.println("stopped: " + invocation.key() + " stays for the next run");
                    return counts.summary(objects, unreadable, true);
                }
            }
            objects++;
            if (!dryRun) {
                String target = REPLAYED_PREFIX + invocation.key();
                s3.copyObject(c -> c.sourceBucket(bucket).sourceKey(invocation.key())
                        .destinationBucket(bucket).destinationKey(target));
                s3.deleteObject(d -> d.bucket(bucket).key(invocation.key()));
                out.println("  moved to " + target);
            }
        }
        return counts.summary(objects, unreadable, false);
    }

    /** False when a tick was not delivered (the run stops). */
    private boolean replayPartition(List<FailedRecord> records, Set<String> replayed, boolean dryRun, Counts counts) {
        List<FailedRecord> pending = new ArrayList<>();
        List<ObjectNode> ticks = new ArrayList<>();
        for (FailedRecord record : records) {
            if (!replayed.add(record.id())) {
                out.println("  " + record.id() + " already replayed in this run, not sent again");
                counts.duplicates++;
                continue;
            }
            ObjectNode tick;
            try {
                tick = tickInput(record);
            } catch (IllegalArgumentException e) {
                out.println("  " + record.id() + " not a valid tick (" + e.getMessage() + "), not sent");
                counts.invalid++;
                continue;
            }
            pending.add(record);
            ticks.add(tick);
        }
        for (int start = 0, end; start < ticks.size(); start = end) {
            end = requestEnd(ticks, start);
            if (dryRun) {
                for (int i = start; i < end; i++) {
                    ObjectNode t = ticks.get(i);
                    out.println("  " + pending.get(i).id() + " would send " + t.get("symbol").asText() + " sequence "
                            + t.get("sequence").asLong() + " price " + t.get("price").asDouble());
                }
                continue;
            }
            List<ReplaySink.Outcome> outcomes = sink.send(ticks.subList(start, end));
            for (int i = start; i < end; i++) {
                ReplaySink.Outcome outcome = outcomes.get(i - start);
                String id = pending.get(i).id() + " " + ticks.get(i).get("symbol").asText() + " sequence "
                        + ticks.get(i).get("sequence").asLong();
                switch (outcome.kind()) {
                    case PUBLISHED -> {
                        out.println("  " + id + " published");
                        counts.published++;
                    }
                    case ALREADY_DELIVERED -> {
                        out.println("  " + id + " already delivered (StaleTick)");
                        counts.alreadyDelivered++;
                    }
                    case REJECTED -> {
                        out.println("  " + id + " rejected by the API (" + outcome.detail() + "), not sent again");
                        counts.rejected++;
                    }
                    case FAILED -> {
                        out.println("  " + id + " NOT delivered: " + outcome.detail());
                        return false;
                    }
                    default -> throw new IllegalStateException(outcome.kind().name());
                }
            }
        }
        return true;
    }

    /** Where the request that starts at {@code start} ends: before a symbol it already holds, or full. */
    private static int requestEnd(List<ObjectNode> ticks, int start) {
        Set<String> symbols = new HashSet<>();
        int end = start;
        while (end < ticks.size() && end - start < TICKS_PER_REQUEST
                && symbols.add(ticks.get(end).get("symbol").asText())) {
            end++;
        }
        return end;
    }

    /** The record's value as the mutation's {@code TickInput}: exactly its fields, checked for type. */
    private ObjectNode tickInput(FailedRecord record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("no value");
        }
        JsonNode value;
        try {
            value = json.readTree(Base64.getDecoder().decode(record.value()));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("value is not base64 JSON");
        }
        if (value == null || !value.isObject()) {
            throw new IllegalArgumentException("value is not a JSON object");
        }
        ObjectNode tick = json.createObjectNode();
        for (String text : new String[] {"symbol", "timestamp"}) {
            if (!value.path(text).isTextual()) {
                throw new IllegalArgumentException(text + " missing or not a string");
            }
            tick.put(text, value.get(text).asText());
        }
        for (String number : NUMBERS) {
            if (!value.path(number).isNumber()) {
                throw new IllegalArgumentException(number + " missing or not a number");
            }
            tick.put(number, value.get(number).doubleValue());
        }
        if (!value.path("sequence").isIntegralNumber() || !value.get("sequence").canConvertToLong()) {
            throw new IllegalArgumentException("sequence missing or not an integer");
        }
        tick.put("sequence", value.get("sequence").longValue());
        // Optional: the producer's previous sequence of the symbol (absent in older producers' records).
        JsonNode previous = value.path("previousSequence");
        if (!previous.isMissingNode() && !previous.isNull()) {
            if (!previous.isIntegralNumber() || !previous.canConvertToLong()) {
                throw new IllegalArgumentException("previousSequence not an integer");
            }
            tick.put("previousSequence", previous.longValue());
        }
        return tick;
    }

    private static final class Counts {
        int published;
        int alreadyDelivered;
        int rejected;
        int invalid;
        int duplicates;

        Summary summary(int objects, int unreadable, boolean stopped) {
            return new Summary(objects, published, alreadyDelivered, rejected, invalid, duplicates, unreadable, stopped);
        }
    }
}
