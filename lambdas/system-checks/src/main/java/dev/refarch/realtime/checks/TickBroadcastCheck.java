package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.appsync.AppSyncRequestFailedException;
import dev.refarch.realtime.appsync.BackendMutations;
import dev.refarch.realtime.appsync.BatchItemResult;
import dev.refarch.realtime.appsync.GraphqlError;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The backend broadcast path: canary ticks published with the caller's IAM credentials through the
 * backend publishers' own client ({@link AppSyncClient#mutateAll} with
 * {@link BackendMutations#PUBLISH_TICK_AFTER}, each tick chained to the previous as the consumer
 * chains them), then watched for on the viewer's {@code onTick} of the canary symbol.
 * <ul>
 *   <li>{@value #ONE_PER_REQUEST}: a batch sent one mutation per request, unaliased
 *       ({@code mutationsPerRequest=1});</li>
 *   <li>{@value #ALIASED}: a batch in one request of aliased fields, as the consumer sends by default
 *       (AppSync documents nothing about aliased mutations triggering subscriptions: this settles it
 *       for the account, and says which form to configure);</li>
 *   <li>{@value #STALE}: the aliased batch's last tick again: answered {@code StaleTick}, broadcast to no one.</li>
 * </ul>
 * Sequences come from the current time in ms, so they grow from one run to the next.
 */
final class TickBroadcastCheck {

    static final String ONE_PER_REQUEST = "ticks-one-per-request";
    static final String ALIASED = "ticks-aliased";
    static final String STALE = "stale-tick";
    /** How long one publish (its retries included) may take. */
    private static final Duration PUBLISH_BUDGET = Duration.ofSeconds(30);

    private final CheckSettings settings;
    private final Viewer viewer;
    private final AppSyncClient oneByOne;
    private final AppSyncClient aliased;
    private final Clock clock;
    private final long base;
    private CanaryTick lastAliased;

    TickBroadcastCheck(SystemEndpoints endpoints, CheckSettings settings, Viewer viewer, Clock clock) {
        this.settings = settings;
        this.viewer = viewer;
        this.clock = clock;
        AppSyncClientConfig config = AppSyncClientConfig.defaults(endpoints.iamGraphqlUrl(), endpoints.region());
        this.oneByOne = AppSyncClient.builder(config.withBatchLimits(1, config.maxRequestBytes()))
                .credentialsProvider(endpoints.credentials()).build();
        this.aliased = AppSyncClient.builder(config.withBatchLimits(settings.ticksPerBatch(), config.maxRequestBytes()))
                .credentialsProvider(endpoints.credentials()).build();
        this.base = clock.millis();
    }

    /** The highest sequence these checks publish: a later tick of the symbol must be above it. */
    long highestSequence() {
        return base + 2L * settings.ticksPerBatch();
    }

    /** {@value #ONE_PER_REQUEST}: whether a batch sent one tick per request reached the viewer, in order. */
    CheckResult oneMutationPerRequest() {
        return batch(ONE_PER_REQUEST, oneByOne, base + 1, false, null);
    }

    /**
     * {@value #ALIASED}: whether a batch in one aliased request reached the viewer, in order.
     *
     * @param oneByOneArrived whether {@link #oneMutationPerRequest} passed, which tells "aliases do not
     *                        trigger subscriptions here" from "nothing does"; null when it did not run (the
     *                        canary sends one form only)
     */
    CheckResult aliasedBatch(Boolean oneByOneArrived) {
        return batch(ALIASED, aliased, base + 1 + settings.ticksPerBatch(), true, oneByOneArrived);
    }

    /** {@value #STALE}: the aliased batch's last tick again must be refused as {@code StaleTick} and reach no one. */
    CheckResult staleRepeat() {
        long start = System.nanoTime();
        CanaryTick repeat = lastAliased != null ? lastAliased
                : CanaryTick.of(settings.symbol(), base + 2L * settings.ticksPerBatch(), clock.instant());
        String expected = "publishTick of sequence " + repeat.sequence() + " again answered StaleTick, and no onTick"
                + " event for " + Timing.seconds(settings.quietPeriod());
        int index = viewer.ticks().size();
        BatchItemResult<CanaryTick> result = oneByOne.mutateAll(BackendMutations.PUBLISH_TICK_AFTER, List.of(repeat),
                Collections.singletonList(null), budget()).get(0);
        if (result.succeeded()) {
            return CheckResult.fail(STALE, Timing.since(start), expected, "the repeat was accepted: " + result.data(),
                    "the deployed publishTick resolver stores a tick whose sequence is not higher: it is not this"
                            + " version's Mutation.publishTick.request.vtl (its condition)");
        }
        List<GraphqlError> errors = result.graphqlErrors();
        boolean stale = !errors.isEmpty() && errors.stream().allMatch(e -> "StaleTick".equals(e.errorType()));
        if (!stale) {
            return CheckResult.fail(STALE, Timing.since(start), expected, describe(result), staleCause(result));
        }
        List<RealtimeEvent> after = viewer.ticks().awaitUntil(index, events -> !events.isEmpty(), settings.quietPeriod());
        if (!after.isEmpty()) {
            return CheckResult.fail(STALE, Timing.since(start), expected, "StaleTick, but " + after.size()
                            + " onTick event(s) came: " + after.get(0).value(),
                    "the resolver refused the tick but a subscriber still got it: AppSync broadcast a field that"
                            + " errored (its response template must raise the error, not return the item)");
        }
        return CheckResult.pass(STALE, Timing.since(start), "sequence " + repeat.sequence()
                + " again: StaleTick, and nothing on " + viewer.ticks().name() + " for "
                + Timing.seconds(settings.quietPeriod()));
    }

    private CheckResult batch(String name, AppSyncClient client, long first, boolean aliasedForm,
            Boolean oneByOneArrived) {
        long start = System.nanoTime();
        List<CanaryTick> ticks = new ArrayList<>();
        List<Long> afters = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < settings.ticksPerBatch(); i++) {
            ticks.add(CanaryTick.of(settings.symbol(), first + i, clock.instant()));
            afters.add(i == 0 ? null : first + i - 1);
            expected.add(first + i);
        }
        String how = aliasedForm ? "1 request of " + ticks.size() + " aliased publishTick fields"
                : ticks.size() + " requests of one unaliased publishTick";
        int index = viewer.ticks().size();
        List<BatchItemResult<CanaryTick>> results = client.mutateAll(BackendMutations.PUBLISH_TICK_AFTER, ticks, afters,
                budget());
        long answered = System.nanoTime();
        if (aliasedForm) {
            lastAliased = ticks.get(ticks.size() - 1);
        }
        List<BatchItemResult<CanaryTick>> failed = results.stream().filter(r -> !r.succeeded()).toList();
        if (!failed.isEmpty()) {
            return CheckResult.fail(name, Timing.since(start), ticks.size() + " ticks accepted (" + how + ")",
                    failed.size() + " refused, first: " + describe(failed.get(0)), publishCause(failed.get(0)));
        }
        Set<Long> ours = new TreeSet<>(expected);
        List<RealtimeEvent> events = viewer.ticks().awaitUntil(index,
                list -> sequences(list, ours).size() >= expected.size(), settings.eventTimeout());
        List<Long> received = sequences(events, ours);
        TickArrival arrival = TickArrival.judge(expected, received);
        if (arrival.verdict() == TickArrival.Verdict.IN_ORDER) {
            long last = events.stream().filter(e -> ours.contains(sequence(e.value())))
                    .mapToLong(RealtimeEvent::receivedNanos).max().orElse(answered);
            Duration latency = Duration.ofNanos(Math.max(0, last - start));
            return CheckResult.pass(name, Timing.since(start), ticks.size() + " ticks in " + how + " reached "
                    + viewer.ticks().name() + " in order, the last " + latency.toMillis()
                    + " ms after publishing began").withLatency(latency);
        }
        return CheckResult.fail(name, Timing.since(start), arrival.describeExpected() + " within "
                + Timing.seconds(settings.eventTimeout()), arrival.describeReceived(),
                arrivalCause(arrival, aliasedForm, oneByOneArrived));
    }

    private static String arrivalCause(TickArrival arrival, boolean aliasedForm, Boolean oneByOneArrived) {
        return switch (arrival.verdict()) {
            case NONE -> !aliasedForm
                    ? "AppSync accepted the ticks but the subscriber got none: the onTick subscription does not fire"
                            + " for publishTick on this API (its @aws_subscribe, or the symbol filter)"
                    : oneByOneArrived == null
                            ? "AppSync accepted the aliased ticks but the subscriber got none: onTick does not fire"
                                    + " for publishTick here, or aliased mutations trigger no subscription on this"
                                    + " account; `system verify` tells the two apart (" + ONE_PER_REQUEST + ")"
                            : oneByOneArrived
                                    ? "subscribed, but the aliased batch never arrived while one mutation per request"
                                            + " did: deploy with -c mutationsPerRequest=1 (and ticks replay"
                                            + " --mutations-per-request 1)"
                                    : "no tick reached the subscriber aliased or not: see " + ONE_PER_REQUEST;
            case PARTIAL -> "some ticks were accepted but never broadcast (missing " + arrival.missing().size()
                    + "): " + (aliasedForm && !Boolean.FALSE.equals(oneByOneArrived)
                            ? "AppSync drops some aliased triggers: deploy with -c mutationsPerRequest=1"
                            : "AppSync dropped subscription events, or the connection is throttled");
            case DUPLICATED -> "a tick was broadcast twice: a retried request whose first attempt had been stored"
                    + " (the resolver's condition must refuse the second)";
            case OUT_OF_ORDER -> "the ticks arrived out of order: a viewer keeps the highest sequence, so a page"
                    + " would show fewer ticks; AppSync ran the fields out of order and the after chain did not hold";
            case IN_ORDER -> "";
        };
    }

    /** Why the publish itself was refused: most often the caller's IAM permissions. */
    static String publishCause(BatchItemResult<?> failed) {
        if (denied(failed)) {
            return "access denied: the caller's IAM identity may not call publishTick (system verify: attach the"
                    + " observability stack's operator policy, output OperatorPolicyArn; locally the run's operator"
                    + " identity holds it; the canary: its role's grant, SystemCanary in the observability stack)";
        }
        if (failed.failure() instanceof AppSyncRequestFailedException request) {
            return "AppSync gave no usable answer (" + request.reason() + "): check the GraphqlUrl, the region, and"
                    + " AppSync's 5xx/throttling (the AppSync5xxRate alarm)";
        }
        return "AppSync refused the ticks: this API's publishTick does not match this version's schema or resolver";
    }

    private static String staleCause(BatchItemResult<?> failed) {
        if (denied(failed)) {
            return publishCause(failed);
        }
        boolean dynamoDenied = failed.graphqlErrors().stream()
                .anyMatch(e -> String.valueOf(e.errorType()).contains("AccessDenied"));
        if (dynamoDenied) {
            return "the Ticks data source's role may not dynamodb:GetItem on its table: AppSync reads the item when"
                    + " a condition fails, so a stale tick becomes an access error instead of StaleTick";
        }
        return "the repeat was refused for another reason than StaleTick: the tick resolver is not this version's";
    }

    private static boolean denied(BatchItemResult<?> failed) {
        if (failed.failure() instanceof AppSyncRequestFailedException request) {
            int status = request.lastStatus().orElse(0);
            return status == 401 || status == 403;
        }
        return failed.graphqlErrors().stream().map(GraphqlError::errorType)
                .anyMatch(t -> t != null && (t.startsWith("Unauthorized") || t.equals("AccessDeniedException")));
    }

    private static String describe(BatchItemResult<?> result) {
        if (result.failure() instanceof AppSyncRequestFailedException request) {
            return request.getMessage();
        }
        List<String> errors = result.graphqlErrors().stream().map(GraphqlError::toString).toList();
        return "GraphQL errors " + errors;
    }

    private static List<Long> sequences(List<RealtimeEvent> events, Set<Long> ours) {
        return events.stream().map(e -> sequence(e.value())).filter(ours::contains).toList();
    }

    private static long sequence(JsonNode tick) {
        return tick.path("sequence").asLong(-1);
    }

    private static Supplier<Duration> budget() {
        long end = System.nanoTime() + PUBLISH_BUDGET.toNanos();
        return () -> Duration.ofNanos(end - System.nanoTime());
    }
}
