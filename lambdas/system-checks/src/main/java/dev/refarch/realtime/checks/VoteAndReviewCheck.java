package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@value #NAME}: one vote ({@value #REACTION}, count 1) with the API key on the current movie, answered
 * with the row as written, then the review broadcaster's {@code onReviews} board with that row (at that version
 * or later) within {@code reviewBroadcastMillis} plus a margin. Proves the vote path (resolver, Reviews
 * table) and the bounded fan-out (the table's stream, the broadcaster, its IAM {@code publishReviews}).
 * It is the one change the checks make to what viewers see: one {@value #REACTION} vote.
 */
final class VoteAndReviewCheck {

    static final String NAME = "vote-and-review";
    /** The reaction the check votes: neutral, so its one vote weighs least on a showing. */
    static final String REACTION = "MEH";

    private final ApiKeyGraphqlClient api;
    private final CheckSettings settings;
    private final Viewer viewer;

    VoteAndReviewCheck(ApiKeyGraphqlClient api, CheckSettings settings, Viewer viewer) {
        this.api = api;
        this.settings = settings;
        this.viewer = viewer;
    }

    CheckResult run() {
        long start = System.nanoTime();
        try {
            return vote(start);
        } catch (UncheckedIOException e) {
            return CheckResult.fail(NAME, Timing.since(start), "answers from the GraphQL endpoint", e.getMessage(),
                    "the GraphQL endpoint cannot be reached: check the GraphqlUrl and the network");
        }
    }

    /** How often a vote refused as MovieNotCurrent is tried, and the pause between tries. */
    static final int VOTE_ATTEMPTS = 10;
    static final Duration VOTE_PAUSE = Duration.ofMillis(300);

    private CheckResult vote(long start) {
        String expected = "vote on the current movie answered with its count, then onReviews of " + REACTION
                + " within " + Timing.seconds(settings.reviewDeadline()) + " (reviewBroadcastMillis "
                + settings.reviewBroadcast().toMillis() + " ms plus " + Timing.seconds(settings.reviewMargin()) + ")";
        GraphqlResponse answer = null;
        String movieId = null;
        // A rotation makes a vote MovieNotCurrent from the moment the movie changes until the rotator has
        // moved the Reviews rows to it (and between reading the movie and voting): tried again for up to
        // VOTE_ATTEMPTS x VOTE_PAUSE.
        for (int attempt = 0; attempt < VOTE_ATTEMPTS; attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(VOTE_PAUSE.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            GraphqlResponse current = api.execute(VerifierOperations.CURRENT_MOVIE, Map.of());
            if (!current.succeeded()) {
                return CheckResult.fail(NAME, Timing.since(start), expected, "currentMovie: " + current.describe(),
                        apiCause(current));
            }
            JsonNode movie = current.data().path("currentMovie");
            if (movie.isNull() || movie.isMissingNode()) {
                RealtimeEvent next = viewer.movies().awaitFirst(0, m -> m.hasNonNull("id"), settings.rotationDeadline());
                if (next == null) {
                    return CheckResult.fail(NAME, Timing.since(start), expected,
                            "no current movie, and none arrived within " + Timing.seconds(settings.rotationDeadline()),
                            "the rotator has never made a movie current: see " + MovieRotationCheck.NAME);
                }
                movie = next.value();
            }
            movieId = movie.path("id").asText();
            answer = api.execute(VerifierOperations.VOTE, Map.of("movieId", movieId, "reaction", REACTION, "count", 1));
            if (!answer.hasErrorType("MovieNotCurrent")) {
                break;
            }
        }
        long voted = System.nanoTime();
        if (!answer.succeeded()) {
            return CheckResult.fail(NAME, Timing.since(start), expected, "vote: " + answer.describe(), apiCause(answer));
        }
        JsonNode row = answer.data().path("vote");
        if (!REACTION.equals(row.path("reaction").asText()) || !movieId.equals(row.path("movieId").asText())
                || row.path("count").asInt(0) < 1 || !row.path("version").isNumber()) {
            return CheckResult.fail(NAME, Timing.since(start), expected, "vote answered " + row,
                    "the vote resolver did not answer with the row as written: not this version's Mutation.vote");
        }
        double version = row.path("version").asDouble();
        // Every onReviews board since the handshake: one with this reaction at the vote's version or later is
        // the vote's broadcast (or a later one including it), however early it came. With voteShards > 1 the
        // vote answers its shard's version and the board the sum of every shard's, which is at least as high.
        Predicate<JsonNode> ofTheVote = board -> {
            for (JsonNode r : board.path("reviews")) {
                if (REACTION.equals(r.path("reaction").asText()) && r.path("version").asDouble(-1) >= version) {
                    return true;
                }
            }
            return false;
        };
        RealtimeEvent review = viewer.reviews().awaitFirst(0, ofTheVote, Timing.left(voted, settings.reviewDeadline()));
        String got = "vote answered count " + row.path("count").asInt() + " (version " + (long) version + ")";
        if (review == null) {
            // Late, or never: watched a while longer so the line says which.
            RealtimeEvent late = viewer.reviews().awaitFirst(0, ofTheVote, settings.eventTimeout());
            if (late != null) {
                return CheckResult.fail(NAME, Timing.since(start), expected, got + "; onReviews came "
                        + Timing.seconds(Duration.ofNanos(late.receivedNanos() - voted)) + " after the vote",
                        "the review broadcaster is slower than configured: its invocations (cold starts, the stream's"
                                + " iterator age) or AppSync's fan-out");
            }
            return CheckResult.fail(NAME, Timing.since(start), expected, got + "; no onReviews of " + REACTION
                            + " within " + Timing.seconds(settings.reviewDeadline().plus(settings.eventTimeout())),
                    "the vote was counted but not broadcast: the review broadcaster does not run or cannot call"
                            + " publishReviews (its ReviewBroadcastFailures queue and log group; its IAM policy; if"
                            + " ticks-aliased failed while ticks-one-per-request passed, -c mutationsPerRequest=1)");
        }
        return CheckResult.pass(NAME, Timing.since(start), "voted " + REACTION + " on movie " + movieId + ": count "
                + row.path("count").asInt() + "; onReviews of that row came "
                + Math.max(0, (review.receivedNanos() - voted) / 1_000_000) + " ms after the vote");
    }

    static String apiCause(GraphqlResponse response) {
        if (response.unauthorized()) {
            return "the API key was refused for a public field: is it this API's key and not expired?";
        }
        if (response.hasErrorType("MovieNotCurrent")) {
            return "the movie rotated between reading it and voting, " + VOTE_ATTEMPTS + " times in "
                    + Timing.seconds(VOTE_PAUSE.multipliedBy(VOTE_ATTEMPTS)) + ": try again (or the rotator's rows and"
                    + " the current movie disagree)";
        }
        return "the public API answered an error: does the deployed schema and resolvers match this version's?";
    }
}
