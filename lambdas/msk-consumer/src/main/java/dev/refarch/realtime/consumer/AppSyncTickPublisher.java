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
 * among them, while the GraphQL spec runs mutation fields serially), so a failed alias does not
 * stop the others; the resolver's sequence fence makes a tick sent again harmless
 * ({@code StaleTick}). Each tick after the first of its symbol in a request is chained to the
 * previous one ({@code after}: its sequence): the resolver stores it only if the stored sequence
 * is at least {@code after} and below its own, so it never overtakes a predecessor that failed or
 * has not run yet, whatever the execution order, and is {@code PredecessorNotStored} then.
 *
 * <p>{@code PredecessorNotStored} is resolved here. If the predecessor's own outcome was stale
 * ({@code StaleTick}, or resolved stale by this rule), the stored sequence was at least the
 * predecessor's when it ran; the only writes to a symbol raise its sequence, and none in the
 * request can raise it from below the predecessor's to above it without this tick (its successors
 * wait for it, its predecessors are lower), so it was at least the predecessor's when this tick
 * ran too, and the failed condition means this tick is not below it: stale, no request needed.
 * Otherwise (the predecessor was delivered after it, failed, or was refused), {@link Outcome.Resend}.
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
    /** The resolver refused a chained tick: stored sequence below its after, or not below its own. */
    static final String PREDECESSOR_NOT_STORED = "PredecessorNotStored";
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

        /**
         * PredecessorNotStored and the predecessor was not stale: it may have run after this tick,
         * or failed. Not an AppSync fault: send it again now, without its predecessor (after the
         * predecessor is settled), so the plain fence decides.
         */
        record Resend() implements Outcome {
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
        appSync.prime(BackendMutations.PUBLISH_TICK_AFTER, sample);
    }

    /**
     * Sends the ticks in ONE request (so a failed request cannot be followed by a later one that
     * overtakes it), each after the first of its symbol chained to the previous one of its symbol,
     * and returns one outcome per tick, in order. Ticks of one symbol must come in rising sequence.
     */
    public List<Outcome> publish(List<TickInput> ticks, Supplier<Duration> timeLeft) {
        if (ticks.isEmpty() || ticks.size() > maxTicksPerRequest) {
            throw new IllegalArgumentException(ticks.size() + " ticks, 1 to " + maxTicksPerRequest + " per request");
        }
        int[] predecessors = predecessors(ticks);
        // The client splits only above its byte guard (256 KiB), far above 100 small ticks.
        List<BatchItemResult<TickInput>> results = send(ticks, predecessors, timeLeft);
        List<GraphqlError> requestLevel = requestLevelErrors(results);
        if (requestLevel.isEmpty()) {
            List<Outcome> outcomes = new ArrayList<>(results.size());
            for (BatchItemResult<TickInput> result : results) {
                outcomes.add(outcome(result));
            }
            return resolveChains(outcomes, predecessors);
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
        // Chained among themselves: a named tick is never stored, so nothing waits for it.
        int[] otherPredecessors = predecessors(others);
        List<BatchItemResult<TickInput>> again = send(others, otherPredecessors, timeLeft);
        if (!requestLevelErrors(again).isEmpty()) {
            return failAll(ticks.size(), "request-level GraphQL errors, types " + types(requestLevel)
                    + ", again without the ticks they named");
        }
        List<Outcome> otherOutcomes = new ArrayList<>(others.size());
        for (BatchItemResult<TickInput> result : again) {
            otherOutcomes.add(outcome(result));
        }
        otherOutcomes = resolveChains(otherOutcomes, otherPredecessors);
        List<Outcome> outcomes = new ArrayList<>(ticks.size());
        int next = 0;
        for (int i = 0; i < ticks.size(); i++) {
            outcomes.add(invalid.containsKey(i) ? new Outcome.Rejected(invalid.get(i)) : otherOutcomes.get(next++));
        }
        return outcomes;
    }

    /** Per tick, the index of the previous tick of its symbol in {@code ticks}, or -1. */
    private static int[] predecessors(List<TickInput> ticks) {
        int[] predecessors = new int[ticks.size()];
        Map<String, Integer> last = new java.util.HashMap<>();
        for (int i = 0; i < ticks.size(); i++) {
            Integer previous = last.put(ticks.get(i).symbol(), i);
            predecessors[i] = previous == null ? -1 : previous;
            if (previous != null && ticks.get(previous).sequence() >= ticks.get(i).sequence()) {
                // The resolver would refuse it as InvalidTick (after must be below sequence).
                throw new IllegalArgumentException("ticks of one symbol must rise in sequence within a request");
            }
        }
        return predecessors;
    }

    private List<BatchItemResult<TickInput>> send(List<TickInput> ticks, int[] predecessors,
            Supplier<Duration> timeLeft) {
        List<Double> after = new ArrayList<>(ticks.size());
        for (int predecessor : predecessors) {
            after.add(predecessor < 0 ? null : (double) ticks.get(predecessor).sequence());
        }
        return appSync.mutateAll(BackendMutations.PUBLISH_TICK_AFTER, ticks, after, timeLeft);
    }

    /**
     * PredecessorNotStored becomes Stale when the predecessor's outcome is Stale (see the class
     * comment), else Resend; in order, so a chain of stale ticks resolves whole.
     */
    private static List<Outcome> resolveChains(List<Outcome> outcomes, int[] predecessors) {
        List<Outcome> resolved = new ArrayList<>(outcomes);
        for (int i = 0; i < resolved.size(); i++) {
            if (resolved.get(i) instanceof PredecessorNotStored) {
                resolved.set(i, predecessors[i] >= 0 && resolved.get(predecessors[i]) instanceof Outcome.Stale
                        ? new Outcome.Stale() : new Outcome.Resend());
            }
        }
        return resolved;
    }

    /** The resolver's PredecessorNotStored, before {@link #resolveChains} tells what it means. */
    private record PredecessorNotStored() implements Outcome {
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
        if (errors.stream().allMatch(e -> PREDECESSOR_NOT_STORED.equals(e.errorType()))) {
            return new PredecessorNotStored();
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
