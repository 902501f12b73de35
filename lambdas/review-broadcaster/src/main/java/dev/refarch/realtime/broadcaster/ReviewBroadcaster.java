package dev.refarch.realtime.broadcaster;

import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.BackendMutations;
import dev.refarch.realtime.appsync.BatchItemResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the newest state of the Reviews rows a stream batch changed: the records are folded
 * per reaction, keeping the highest {@code version} (the row's own write counter, so the fold
 * never depends on the records' order), and sent through {@code publishReview} as aliased
 * fields of one request, after the {@link BroadcastPacer} gave its turn. Subscribers so receive
 * at most one message per reaction per interval, whatever the vote rate, each with every field
 * the backend selects.
 *
 * <p>With {@code voteShards} > 1 a record carries one shard of a reaction: the broadcaster then sends
 * each changed reaction's total, read from all its shards ({@link ReviewShards}) once its turn came,
 * with the sum of the shards' versions (which only grows).
 *
 * <p>Failures: a row AppSync did not accept, or a turn that would not come before the deadline,
 * makes the batch retry from the earliest record of the rows not sent (the mapping re-sends
 * that record and every later one); rows already sent go out again then, with the same or a
 * higher version, which clients ignore or apply.
 */
public final class ReviewBroadcaster {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewBroadcaster.class);

    private final AppSyncClient appSync;
    private final BroadcastPacer pacer;
    private final BroadcasterMetrics metrics;
    /** Null with one shard per reaction: a record's image is then the reaction's whole row. */
    private final ReviewShards shards;

    /** The client the broadcasts go through (primed before a SnapStart snapshot). */
    AppSyncClient appSync() {
        return appSync;
    }

    /** With one shard per reaction ({@code voteShards} 1): publishes the records' images as they are. */
    public ReviewBroadcaster(AppSyncClient appSync, BroadcastPacer pacer, BroadcasterMetrics metrics) {
        this(appSync, pacer, metrics, null);
    }

    /**
     * @param shards with {@code voteShards} > 1, reads the changed reactions' shards after the pacer's turn
     *               and publishes their totals (a record carries one shard); null publishes the images
     */
    public ReviewBroadcaster(AppSyncClient appSync, BroadcastPacer pacer, BroadcasterMetrics metrics,
            ReviewShards shards) {
        this.appSync = appSync;
        this.pacer = pacer;
        this.metrics = metrics;
        this.shards = shards;
    }

    /** The shard reader, or null (primed before a SnapStart snapshot). */
    ReviewShards shards() {
        return shards;
    }

    /** The newest state per reaction among {@code changes}, in the order reactions first appear. */
    public static List<ReviewState> newestPerRow(List<ReviewChange> changes) {
        Map<String, ReviewState> newest = new LinkedHashMap<>();
        for (ReviewChange change : changes) {
            newest.merge(change.row().reaction(), change.row(),
                    (kept, next) -> next.version() >= kept.version() ? next : kept);
        }
        return List.copyOf(newest.values());
    }

    /** Broadcasts one batch; see the class comment. */
    public BroadcastResult broadcast(ReviewStreamEvent event, Supplier<Duration> timeLeft) {
        Map<String, Long> counts = new LinkedHashMap<>();
        try {
            return broadcast(event, timeLeft, counts);
        } finally {
            metrics.flush(counts);
        }
    }

    private BroadcastResult broadcast(ReviewStreamEvent event, Supplier<Duration> timeLeft, Map<String, Long> counts) {
        List<ReviewChange> changes = event.changes();
        if (changes.isEmpty()) {
            return BroadcastResult.success();
        }
        List<ReviewState> rows = newestPerRow(changes);
        counts.put(BroadcasterMetrics.CHANGES_COALESCED, (long) (changes.size() - rows.size()));
        long waitStart = System.nanoTime();
        try {
            if (!pacer.awaitTurn(timeLeft)) {
                LOG.warn("Next broadcast turn is {} ms away, past this invocation's deadline; retrying the batch",
                        pacer.remaining().toMillis());
                return BroadcastResult.retryFrom(changes.get(0).sequenceNumber());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BroadcastResult.retryFrom(changes.get(0).sequenceNumber());
        }
        counts.put(BroadcasterMetrics.PACING_WAIT_MILLIS, (System.nanoTime() - waitStart) / 1_000_000);
        if (shards != null) {
            // Read after the wait: the totals include every vote up to the broadcast.
            try {
                rows = shards.totals(rows.stream().map(ReviewState::reaction).toList());
            } catch (RuntimeException e) {
                LOG.warn("Cannot read the changed reactions' shards; retrying the batch: {}", e.toString());
                return BroadcastResult.retryFrom(changes.get(0).sequenceNumber());
            }
        }

        List<BatchItemResult<ReviewState>> results = appSync.mutateAll(BackendMutations.PUBLISH_REVIEW, rows, timeLeft);
        counts.put(BroadcasterMetrics.BROADCASTS, 1L);
        Set<String> failed = new HashSet<>();
        List<String> reasons = new ArrayList<>();
        for (BatchItemResult<ReviewState> result : results) {
            if (!result.succeeded()) {
                failed.add(result.item().reaction());
                reasons.add(result.item().reaction() + ": " + result.failure().getMessage());
            }
        }
        counts.put(BroadcasterMetrics.ROWS_BROADCAST, (long) (rows.size() - failed.size()));
        counts.put(BroadcasterMetrics.ROWS_FAILED, (long) failed.size());
        if (failed.isEmpty()) {
            return BroadcastResult.success();
        }
        LOG.warn("AppSync did not accept {} of {} rows; retrying from their earliest record: {}", failed.size(),
                rows.size(), reasons);
        for (ReviewChange change : changes) {
            if (failed.contains(change.row().reaction())) {
                return BroadcastResult.retryFrom(change.sequenceNumber());
            }
        }
        throw new IllegalStateException("a failed row without a record: " + failed);
    }
}
