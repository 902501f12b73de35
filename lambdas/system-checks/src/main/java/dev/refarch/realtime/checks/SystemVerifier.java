package dev.refarch.realtime.checks;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs the end-to-end checks of a running system, in order, and reports each: the same code for
 * {@code system verify} (a terminal, a deployed stage or the local run) and for a scheduled canary
 * (a subset: {@link #run(Set)}). The page check runs first (it needs no connection); then the real-time
 * handshake opens the viewer the other checks watch; when it fails, they are skipped. The page and the
 * streaming path need a target of their own ({@link #withPage}, {@link #withStreamingPath}); without
 * one they are skipped, with the reason given ({@link #skipping}).
 */
public final class SystemVerifier {

    /** The checks, in the order they run. */
    public enum Check {
        /** The page is served with this API's config.json and CSP, and the WAF lets its API-key request through. */
        PAGE(PageCheck.NAME),
        /** Connect and subscribe with the API key, as the page does. */
        REALTIME_HANDSHAKE(HandshakeCheck.NAME),
        /** Canary ticks, one mutation per request, reach the subscriber in order. */
        TICKS_ONE_PER_REQUEST(TickBroadcastCheck.ONE_PER_REQUEST),
        /** Canary ticks, aliased in one request, reach the subscriber in order. */
        TICKS_ALIASED(TickBroadcastCheck.ALIASED),
        /** A repeated tick is refused as StaleTick and reaches no one. */
        STALE_TICK(TickBroadcastCheck.STALE),
        /** A tick the producer writes to the topic reaches the subscriber through the mapping and the consumer. */
        STREAMING_PATH(StreamingPathCheck.NAME),
        /** A vote is counted and broadcast by the review broadcaster in time. */
        VOTE_AND_REVIEW(VoteAndReviewCheck.NAME),
        /** A chat message reaches two connections; an invalid one reaches none. */
        CHAT(ChatCheck.NAME),
        /** A new movie arrives within two rotations. */
        MOVIE_ROTATION(MovieRotationCheck.NAME);

        private final String id;

        Check(String id) {
            this.id = id;
        }

        /** The name printed on the check's line and in the JSON report. */
        public String id() {
            return id;
        }
    }

    private final SystemEndpoints endpoints;
    private final CheckSettings settings;
    private final Clock clock;
    private final Map<Check, CheckResult> instead = new EnumMap<>(Check.class);
    private PageTarget page;
    private ProducerTarget producer;

    public SystemVerifier(SystemEndpoints endpoints, CheckSettings settings, Clock clock) {
        this.endpoints = endpoints;
        this.settings = settings;
        this.clock = clock;
        instead.put(Check.PAGE, CheckResult.skip(Check.PAGE.id(), "no page URL given"));
        instead.put(Check.STREAMING_PATH, CheckResult.skip(Check.STREAMING_PATH.id(), "no tick producer given"));
    }

    /** Checks the page served at {@code target} ({@link Check#PAGE}). */
    public SystemVerifier withPage(PageTarget target) {
        page = target;
        return this;
    }

    /** Produces the streaming path's tick with {@code target} ({@link Check#STREAMING_PATH}). */
    public SystemVerifier withStreamingPath(ProducerTarget target) {
        producer = target;
        return this;
    }

    /** Why {@code check} (the page or the streaming path, given no target) is skipped, for its line. */
    public SystemVerifier skipping(Check check, String reason) {
        instead.put(check, CheckResult.skip(check.id(), reason));
        return this;
    }

    /**
     * Why {@code check} (the page or the streaming path, given no target) fails without running: its
     * target could not be found (e.g. a stack that should exist does not).
     */
    public SystemVerifier failing(Check check, String expected, String actual, String likelyCause) {
        instead.put(check, CheckResult.fail(check.id(), java.time.Duration.ZERO, expected, actual, likelyCause));
        return this;
    }

    /** Every check. */
    public VerifyReport run() {
        return run(EnumSet.allOf(Check.class), result -> { });
    }

    /**
     * The scheduled canary's checks: the ones that need no browser, no producer and no wait for the
     * system's own timers (handshake, one canary tick batch in the form the backend publishers are
     * configured to send, chat round trip). It never votes, so never writes the Reviews or Movies
     * tables.
     *
     * @param aliased whether the backend publishers send aliased batches ({@code mutationsPerRequest} above 1)
     */
    public static Set<Check> canaryChecks(boolean aliased) {
        return EnumSet.of(Check.REALTIME_HANDSHAKE, aliased ? Check.TICKS_ALIASED : Check.TICKS_ONE_PER_REQUEST,
                Check.CHAT);
    }

    /**
     * The given checks (the handshake always runs: the others watch its viewer).
     *
     * @param onEach told each result as soon as its check ends, for a terminal to print as it goes
     */
    public VerifyReport run(Set<Check> checks, Consumer<CheckResult> onEach) {
        long start = System.nanoTime();
        List<CheckResult> results = new ArrayList<>();
        Consumer<CheckResult> report = result -> {
            results.add(result);
            onEach.accept(result);
        };
        if (checks.contains(Check.PAGE)) {
            report.accept(page != null ? new PageCheck(page, endpoints).run()
                    : instead.get(Check.PAGE));
        }
        HandshakeCheck.Outcome handshake = HandshakeCheck.run(endpoints, settings);
        report.accept(handshake.result());
        if (handshake.viewer() == null) {
            for (Check check : checks) {
                if (check != Check.REALTIME_HANDSHAKE && check != Check.PAGE) {
                    report.accept(CheckResult.skip(check.id(), "needs the real-time handshake, which failed"));
                }
            }
            return new VerifyReport(results, Timing.since(start));
        }
        try (Viewer viewer = handshake.viewer()) {
            ApiKeyGraphqlClient api = new ApiKeyGraphqlClient(endpoints.graphqlUrl(), endpoints.apiKey());
            TickBroadcastCheck ticks = new TickBroadcastCheck(endpoints, settings, viewer, clock);
            Boolean oneByOneArrived = null;
            if (checks.contains(Check.TICKS_ONE_PER_REQUEST)) {
                CheckResult result = ticks.oneMutationPerRequest();
                oneByOneArrived = !result.failed();
                report.accept(result);
            }
            if (checks.contains(Check.TICKS_ALIASED)) {
                report.accept(ticks.aliasedBatch(oneByOneArrived));
            }
            if (checks.contains(Check.STALE_TICK)) {
                report.accept(ticks.staleRepeat());
            }
            if (checks.contains(Check.STREAMING_PATH)) {
                report.accept(producer != null
                        ? new StreamingPathCheck(producer, settings, viewer, clock, ticks.highestSequence()).run()
                        : instead.get(Check.STREAMING_PATH));
            }
            if (checks.contains(Check.VOTE_AND_REVIEW)) {
                report.accept(new VoteAndReviewCheck(api, settings, viewer).run());
            }
            if (checks.contains(Check.CHAT)) {
                report.accept(new ChatCheck(endpoints, api, settings, viewer).run());
            }
            if (checks.contains(Check.MOVIE_ROTATION)) {
                report.accept(new MovieRotationCheck(settings, viewer).run());
            }
        }
        return new VerifyReport(results, Timing.since(start));
    }
}
