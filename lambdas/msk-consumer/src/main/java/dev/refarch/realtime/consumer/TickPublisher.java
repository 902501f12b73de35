package dev.refarch.realtime.consumer;

import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.BackendMutations;
import dev.refarch.realtime.appsync.BatchItemResult;
import dev.refarch.realtime.appsync.GraphqlError;
import dev.refarch.realtime.appsync.GraphqlErrorsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Publishes ticks as aliased {@code publishTick} fields of one AppSync request. AppSync runs
 * top-level mutation fields one after another, so ticks reach subscribers in list order.
 */
public final class TickPublisher {

    /** Per-field error types that mean "this tick is bad": retrying it can never succeed. */
    static final Set<String> REJECTING_ERROR_TYPES = Set.of("InvalidTick");

    /** What happened to one tick. */
    public sealed interface Outcome {
        /** AppSync accepted it. */
        record Delivered() implements Outcome {
        }

        /** The resolver rejected it: park it, never retry it. */
        record Rejected(String errors) implements Outcome {
        }

        /** Not known to be delivered (throttling, 5xx, I/O, deadline, authorization): retry it. */
        record Undelivered(String why) implements Outcome {
        }
    }

    private final AppSyncClient appSync;
    private final int maxTicksPerRequest;

    /**
     * A publisher sending at most {@code maxTicksPerRequest} ticks per request through {@code appSync},
     * whose retry policy covers throttling, 5xx and I/O errors.
     */
    public TickPublisher(AppSyncClient appSync, int maxTicksPerRequest) {
        this.appSync = appSync;
        this.maxTicksPerRequest = maxTicksPerRequest;
    }

    /** The largest list {@link #publish} takes. */
    public int maxTicksPerRequest() {
        return maxTicksPerRequest;
    }

    /**
     * Sends the ticks in ONE request (so a failed request cannot be followed by a later one that
     * overtakes it) and returns one outcome per tick, in order.
     */
    public List<Outcome> publish(List<Tick> ticks, Supplier<Duration> timeLeft) {
        if (ticks.size() > maxTicksPerRequest) {
            throw new IllegalArgumentException(ticks.size() + " ticks, at most " + maxTicksPerRequest
                    + " per request");
        }
        // The client splits only above its byte guard (256 KiB), far above 100 small ticks.
        List<BatchItemResult<Tick>> results = appSync.mutateAll(BackendMutations.PUBLISH_TICK, ticks, timeLeft);
        List<Outcome> outcomes = new ArrayList<>(results.size());
        for (BatchItemResult<Tick> result : results) {
            outcomes.add(outcome(result));
        }
        return outcomes;
    }

    private static Outcome outcome(BatchItemResult<Tick> result) {
        if (result.succeeded()) {
            return new Outcome.Delivered();
        }
        if (result.failure() instanceof GraphqlErrorsException errors && rejectsThisTickOnly(errors.errors())) {
            return new Outcome.Rejected(errors.errors().toString());
        }
        return new Outcome.Undelivered(result.failure().getMessage());
    }

    /**
     * Only a resolver's own validation error on this tick's field is final. Errors without a
     * field path (validation or authorization of the whole request) or of other types
     * (Unauthorized, timeouts, data source errors) may pass: retry rather than park.
     */
    private static boolean rejectsThisTickOnly(List<GraphqlError> errors) {
        return !errors.isEmpty() && errors.stream().allMatch(e -> REJECTING_ERROR_TYPES.contains(e.errorType())
                && !e.path().isEmpty() && e.path().get(0) instanceof String alias && alias.matches("m\\d+"));
    }
}
