package dev.refarch.realtime.consumer;

import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncRequestFailedException;
import dev.refarch.realtime.appsync.BackendMutations;
import dev.refarch.realtime.appsync.BatchItemResult;
import dev.refarch.realtime.appsync.GraphqlError;
import dev.refarch.realtime.appsync.GraphqlErrorsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Publishes ticks as aliased {@code publishTick} fields of one AppSync request and says, per
 * tick, what the consumer must do next. AppSync runs every aliased field (it documents no order
 * among them), so a failed alias does not stop the others; the resolver's sequence fence makes a
 * tick sent again harmless ({@code StaleTick}), and {@link TickConsumer} sends at most one tick
 * per symbol per request, so a later tick of its symbol never overtakes a failed one.
 *
 * <p>Why strings ({@link Outcome.Retry#why()}, {@link Outcome.RequestFailed#why()}) carry error
 * types, reasons and statuses only, never messages: AppSync messages can quote a variable's
 * value, and these strings are logged. {@link Outcome.Rejected#reason()} keeps the messages; it
 * goes to the failure queue, which holds the record anyway.
 */
public final class AppSyncTickPublisher {

    /** Per-alias error types that mean "this tick is bad": retrying it can never succeed. */
    static final Set<String> REJECTING_ERROR_TYPES = Set.of("InvalidTick");
    /** The resolver refused the tick because its symbol already has this or a higher sequence. */
    static final String STALE_TICK = "StaleTick";
    private static final Pattern ALIAS = Pattern.compile("m(\\d+)");
    /**
     * A request-level validation error naming one variable: AppSync ("Variable 'tick3' has
     * coerced Null value...", no errorType, no path) and graphql-js ("Variable \"$tick3\" got
     * invalid value ...") both name it.
     */
    private static final Pattern VARIABLE = Pattern.compile("[Vv]ariable ['\"]\\$?tick(\\d+)['\"]");

    /** What to do with one tick. */
    public sealed interface Outcome {
        /** AppSync stored and broadcast it. */
        record Delivered() implements Outcome {
        }

        /** StaleTick: its symbol already has this or a newer tick; delivered as far as the consumer goes. */
        record Stale() implements Outcome {
        }

        /** Deterministically bad for this tick (the resolver's InvalidTick, a validation error on its variable): park it. */
        record Rejected(String reason) implements Outcome {
        }

        /** A transient error on this tick's alias: send it again, alone. */
        record Retry(String why) implements Outcome {
        }

        /** The request failed as a whole (transport, status, deadline, request-level errors): stop here. */
        record RequestFailed(String why) implements Outcome {
        }
    }

    private final AppSyncClient appSync;
    private final int maxTicksPerRequest;

    /**
     * A publisher sending at most {@code maxTicksPerRequest} ticks per request through {@code appSync},
     * whose retry policy covers throttling, 5xx and I/O errors.
     */
    public AppSyncTickPublisher(AppSyncClient appSync, int maxTicksPerRequest) {
        this.appSync = appSync;
        this.maxTicksPerRequest = maxTicksPerRequest;
    }

    /** The largest list {@link #publish} takes. */
    public int maxTicksPerRequest() {
        return maxTicksPerRequest;
    }

    /** SnapStart priming: the request for {@code sample} built and signed, not sent ({@link AppSyncClient#prime}). */
    public void prime(TickInput sample) {
        appSync.prime(BackendMutations.PUBLISH_TICK, sample);
    }

    /**
     * Sends the ticks in ONE request (so a failed request cannot be followed by a later one that
     * overtakes it) and returns one outcome per tick, in order.
     */
    public List<Outcome> publish(List<TickInput> ticks, Supplier<Duration> timeLeft) {
        if (ticks.isEmpty() || ticks.size() > maxTicksPerRequest) {
            throw new IllegalArgumentException(ticks.size() + " ticks, 1 to " + maxTicksPerRequest + " per request");
        }
        // The client splits only above its byte guard (256 KiB), far above 100 small ticks.
        List<BatchItemResult<TickInput>> results = appSync.mutateAll(BackendMutations.PUBLISH_TICK, ticks, timeLeft);
        List<GraphqlError> requestLevel = requestLevelErrors(results);
        if (requestLevel.isEmpty()) {
            List<Outcome> outcomes = new ArrayList<>(results.size());
            for (BatchItemResult<TickInput> result : results) {
                outcomes.add(outcome(result));
            }
            return outcomes;
        }
        Map<Integer, String> invalid = invalidVariables(requestLevel, ticks.size());
        if (invalid.isEmpty()) {
            return failAll(ticks.size(), "request-level GraphQL errors, types " + types(requestLevel));
        }
        // AppSync executed nothing. Whether the named ticks are bad, or the request as a whole no
        // longer fits the schema (a deploy the consumer does not match: AppSync names only the
        // first bad variable), shows when the others go again without them: nothing is parked
        // unless the others then pass validation.
        List<TickInput> others = new ArrayList<>();
        for (int i = 0; i < ticks.size(); i++) {
            if (!invalid.containsKey(i)) {
                others.add(ticks.get(i));
            }
        }
        List<BatchItemResult<TickInput>> again = appSync.mutateAll(BackendMutations.PUBLISH_TICK, others, timeLeft);
        if (!requestLevelErrors(again).isEmpty()) {
            return failAll(ticks.size(), "request-level GraphQL errors, types " + types(requestLevel)
                    + ", again without the ticks they named");
        }
        List<Outcome> outcomes = new ArrayList<>(ticks.size());
        int next = 0;
        for (int i = 0; i < ticks.size(); i++) {
            outcomes.add(invalid.containsKey(i) ? new Outcome.Rejected(invalid.get(i)) : outcome(again.get(next++)));
        }
        return outcomes;
    }

    private static List<Outcome> failAll(int count, String why) {
        List<Outcome> outcomes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            outcomes.add(new Outcome.RequestFailed(why));
        }
        return outcomes;
    }

    private static Outcome outcome(BatchItemResult<TickInput> result) {
        if (result.succeeded()) {
            return new Outcome.Delivered();
        }
        if (result.failure() instanceof AppSyncRequestFailedException failed) {
            return new Outcome.RequestFailed(failed.reason() + " after " + failed.attempts() + " attempt(s)"
                    + failed.lastStatus().stream().mapToObj(s -> ", HTTP " + s).findFirst().orElse(""));
        }
        List<GraphqlError> errors = result.graphqlErrors();
        if (errors.stream().allMatch(e -> STALE_TICK.equals(e.errorType()))) {
            return new Outcome.Stale();
        }
        if (errors.stream().anyMatch(e -> REJECTING_ERROR_TYPES.contains(e.errorType()))) {
            return new Outcome.Rejected(errors.toString());
        }
        // Anything else on this alias (a data source throttle or timeout, Unauthorized...) may pass.
        return new Outcome.Retry("GraphQL error types " + types(errors));
    }

    /** Errors without an alias path: AppSync attached them to every item of the request. */
    private static List<GraphqlError> requestLevelErrors(List<BatchItemResult<TickInput>> results) {
        return results.get(0).graphqlErrors().stream().filter(e -> !isAliased(e)).toList();
    }

    private static boolean isAliased(GraphqlError error) {
        return !error.path().isEmpty() && error.path().get(0) instanceof String alias && ALIAS.matcher(alias).matches();
    }

    /**
     * The ticks named by request-level validation errors (no errorType, no path, "Variable
     * 'tickN'..."), with their messages; empty unless every error names one and some tick of
     * the request is not named.
     */
    private static Map<Integer, String> invalidVariables(List<GraphqlError> errors, int count) {
        Map<Integer, String> named = new TreeMap<>();
        for (GraphqlError error : errors) {
            Matcher m = VARIABLE.matcher(error.message());
            if (error.errorType() != null && !error.errorType().isEmpty() || !m.find()
                    || Integer.parseInt(m.group(1)) >= count) {
                return Map.of();
            }
            named.merge(Integer.parseInt(m.group(1)), "validation error on its variable: " + error.message(),
                    (a, b) -> a + "; " + b);
        }
        return named.size() < count ? named : Map.of();
    }

    private static String types(List<GraphqlError> errors) {
        Set<String> types = new HashSet<>();
        errors.forEach(e -> types.add(e.errorType() == null ? "(none)" : e.errorType()));
        return new TreeSet<>(types).toString();
    }
}
