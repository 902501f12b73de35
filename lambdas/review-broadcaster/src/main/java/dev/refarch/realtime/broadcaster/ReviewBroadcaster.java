package dev.refarch.realtime.broadcaster;

import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.BackendMutations;
import dev.refarch.realtime.appsync.BatchItemResult;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every reaction's review as one message when a stream batch changed any of them: once
 * its {@link BroadcastTurns} gave it the turn (in the function, {@link BroadcastSlot}: one broadcast
 * per interval for the whole table, whatever the stream shards; a batch another broadcast covers
 * sends nothing), it reads all five reactions' totals from their shards
 * ({@link ReviewShards}, strongly consistent, so each is at least as new as the batch's records) and
 * sends them through {@code publishReviews} (one {@code onReviews} event, each review with its
 * version), then the same rows through {@code publishReview}, aliased, for {@code onReview}
 * subscribers (clients written before {@code onReviews}). The records themselves only say that
 * something changed: the fold of a batch into one broadcast is what keeps subscribers at one message
 * per interval, whatever the vote rate, each with every field the backend selects.
 *
 * <p>Failures: shards that cannot be read, a broadcast AppSync did not accept, or a turn that would
 * not come before the deadline make the batch retry from its first record (the mapping re-sends the
 * batch); what went out already goes out again then, with the same or a higher version, which
 * clients ignore or apply.
 */
public final class ReviewBroadcaster {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewBroadcaster.class);

    private final AppSyncClient appSync;
    private final BroadcastTurns turns;
    private final BroadcasterMetrics metrics;
    private final ReviewShards shards;
    private final Clock clock;

    /** The client the broadcasts go through (primed before a SnapStart snapshot). */
    AppSyncClient appSync() {
        return appSync;
    }

    /**
     * @param shards reads every reaction's total after the pacer's turn (with one shard per reaction,
     *               the five rows themselves)
     */
    public ReviewBroadcaster(AppSyncClient appSync, BroadcastTurns turns, BroadcasterMetrics metrics,
            ReviewShards shards) {
        this(appSync, turns, metrics, shards, Clock.systemUTC());
    }

    /** As above, {@code publishedAt} read from {@code clock}. */
    public ReviewBroadcaster(AppSyncClient appSync, BroadcastTurns turns, BroadcasterMetrics metrics,
            ReviewShards shards, Clock clock) {
        this.appSync = appSync;
        this.turns = turns;
        this.metrics = metrics;
        this.shards = Objects.requireNonNull(shards, "shards");
        this.clock = clock;
    }

    /** The shard reader (primed before a SnapStart snapshot). */
    ReviewShards shards() {
        return shards;
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
        BroadcastResult retry = BroadcastResult.retryFrom(changes.get(0).sequenceNumber());
        counts.put(BroadcasterMetrics.CHANGES_COALESCED, (long) changes.size() - 1);
        long waitStart = System.nanoTime();
        BroadcastTurns.Turn turn;
        try {
            turn = turns.await(timeLeft);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return retry;
        } catch (RuntimeException e) {
            LOG.warn("Cannot take a broadcast turn; retrying the batch: {}", e.toString());
            return retry;
        }
        counts.put(BroadcasterMetrics.PACING_WAIT_MILLIS, (System.nanoTime() - waitStart) / 1_000_000);
        switch (turn) {
            case LATE -> {
                LOG.warn("The next broadcast turn is past this invocation's deadline; retrying the batch");
                return retry;
            }
            case COVERED -> {
                counts.put(BroadcasterMetrics.COVERED, 1L);
                return BroadcastResult.success();
            }
            default -> {
                return publish(timeLeft, counts, retry);
            }
        }
    }

    /** Reads every reaction's total and sends them as one board, then one row each for onReview. */
    private BroadcastResult publish(Supplier<Duration> timeLeft, Map<String, Long> counts, BroadcastResult retry) {
        List<ReviewState> rows;
        try {
            // Read after the turn came: the totals include every vote up to the broadcast.
            rows = shards.totals(Reviews.REACTIONS);
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the reactions' shards; retrying the batch: {}", e.toString());
            return retry;
        }
        if (rows.isEmpty()) {
            return BroadcastResult.success();
        }
        ReviewBoard board = new ReviewBoard(rows, Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString());
        counts.put(BroadcasterMetrics.BROADCASTS, 1L);
        try {
            appSync.execute(BackendMutations.PUBLISH_REVIEWS.unaliasedOperation(),
                    Map.of(BackendMutations.PUBLISH_REVIEWS.variable(0), board), timeLeft);
        } catch (RuntimeException e) {
            counts.put(BroadcasterMetrics.ROWS_FAILED, (long) rows.size());
            LOG.warn("AppSync did not accept the review board; retrying the batch: {}", e.toString());
            return retry;
        }
        List<String> reasons = new ArrayList<>();
        for (BatchItemResult<ReviewState> result : appSync.mutateAll(BackendMutations.PUBLISH_REVIEW, rows, timeLeft)) {
            if (!result.succeeded()) {
                reasons.add(result.item().reaction() + ": " + result.failure().getMessage());
            }
        }
        counts.put(BroadcasterMetrics.ROWS_BROADCAST, (long) rows.size() - reasons.size());
        counts.put(BroadcasterMetrics.ROWS_FAILED, (long) reasons.size());
        if (reasons.isEmpty()) {
            return BroadcastResult.success();
        }
        LOG.warn("AppSync did not accept {} of {} onReview rows; retrying the batch: {}", reasons.size(), rows.size(),
                reasons);
        return retry;
    }
}
