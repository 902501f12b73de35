package dev.refarch.realtime.rotator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.Operations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Voters keep voting through the simulator for whatever movie they last read as current
 * while rotations run: every accepted vote is counted exactly once, for its own movie, and
 * every rejected one is {@code MovieNotCurrent}. With one shard per reaction and with four (votes
 * spread by the vote resolver, every shard moved by each rotation): each showing's final count, the
 * sum of its shards' final counts, equals the sum of its accepted votes; the leaderboard holds the
 * best showing; the {@code reviews} query answers the current showing's totals.
 */
class RotationUnderConcurrentVotesTest {

    private static final int VOTERS = 4;
    private static final int ROTATIONS = 8;

    private LocalRotator local;

    private record Vote(String movieId, String reaction, int count, String outcome) {
        boolean accepted() {
            return "ACCEPTED".equals(outcome);
        }
    }

    private record Showing(String movieId, String title) {
    }

    @ParameterizedTest(name = "voteShards={0}")
    @ValueSource(ints = {1, 4})
    void everyAcceptedVoteIsCountedOnceForItsMovieAndTheRestAreRejected(int shards) throws Exception {
        try (LocalRotator rotator = new LocalRotator(shards)) {
            local = rotator;
            local.reset();
            rotateWhileVoting(shards);
        } finally {
            local = null;
        }
    }

    private void rotateWhileVoting(int shards) throws Exception {
        local.stubs.secretIs(TmdbStub.secretWithKey(LocalRotator.SECRET_KEY));
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1,
                IntStream.rangeClosed(101, 101 + ROTATIONS).mapToObj(Integer::toString).toArray(String[]::new)));
        RotationResult first = local.rotator.rotate(AppSyncClient.NO_DEADLINE);
        assertTrue(first.rotated());

        AtomicBoolean voting = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(VOTERS);
        List<Future<List<Vote>>> voters = new ArrayList<>();
        for (int v = 0; v < VOTERS; v++) {
            voters.add(pool.submit(() -> vote(voting)));
        }
        // Final counts per (movie, reaction), as each rotation took them atomically.
        Map<String, Long> finalCounts = new HashMap<>();
        List<Showing> showings = new ArrayList<>(List.of(new Showing(first.movie().id(), first.movie().title())));
        try {
            for (int r = 0; r < ROTATIONS; r++) {
                Thread.sleep(250);
                RotationResult result = local.rotator.rotate(AppSyncClient.NO_DEADLINE);
                assertTrue(result.rotated(), result.toString());
                String from = showings.get(showings.size() - 1).movieId();
                for (RowMove move : result.moves()) {
                    assertTrue(move.finalCount().isPresent());
                    finalCounts.put(from + "/" + move.row().reaction(), move.finalCount().getAsLong());
                }
                showings.add(new Showing(result.movie().id(), result.movie().title()));
            }
            Thread.sleep(250);
        } finally {
            voting.set(false);
        }
        List<Vote> votes = new ArrayList<>();
        for (Future<List<Vote>> voter : voters) {
            votes.addAll(voter.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        String last = showings.get(showings.size() - 1).movieId();
        for (String reaction : Reviews.REACTIONS) {
            finalCounts.put(last + "/" + reaction, local.api.storedTotal(reaction, shards, last));
        }
        // The reviews query sums the shards as stored.
        for (JsonNode review : local.api.apiKeyClient().execute(Operations.REVIEWS).assertSucceeded().data("reviews")) {
            String reaction = review.path("reaction").asText();
            assertEquals(last, review.path("movieId").asText(), "movie of " + reaction);
            assertEquals(finalCounts.get(last + "/" + reaction), review.path("count").asLong(), "total of " + reaction);
        }

        Map<String, Long> accepted = new HashMap<>();
        long rejected = 0;
        for (Vote vote : votes) {
            if (vote.accepted()) {
                accepted.merge(vote.movieId() + "/" + vote.reaction(), (long) vote.count(), Long::sum);
            } else {
                assertEquals("MovieNotCurrent", vote.outcome(), vote.toString());
                rejected++;
            }
        }
        assertTrue(votes.size() > 100, "enough votes to race the rotations: " + votes.size());
        for (Showing showing : showings) {
            for (String reaction : Reviews.REACTIONS) {
                String key = showing.movieId() + "/" + reaction;
                assertEquals(accepted.getOrDefault(key, 0L), finalCounts.get(key),
                        "accepted votes vs final count of " + key + " (" + votes.size() + " votes, "
                                + rejected + " rejected)");
            }
        }

        // The leaderboard is the first showing with the highest final count, per reaction.
        for (String reaction : Reviews.REACTIONS) {
            String topMovie = null;
            long topCount = 0;
            for (Showing showing : showings.subList(0, showings.size() - 1)) {
                long count = finalCounts.get(showing.movieId() + "/" + reaction);
                if (count > topCount) {
                    topMovie = showing.movieId();
                    topCount = count;
                }
            }
            Map<String, AttributeValue> row = local.api.reviewRow(reaction);
            assertEquals(topCount, Long.parseLong(row.get(Reviews.TOP_COUNT).n()), "topCount of " + reaction);
            assertEquals(topMovie, row.containsKey(Reviews.TOP_MOVIE_ID) ? row.get(Reviews.TOP_MOVIE_ID).s() : null,
                    "topMovieId of " + reaction);
        }
        System.out.println("voteShards " + shards + ", concurrent votes: " + votes.size() + " cast, " + rejected + " rejected, row-move retries "
                + local.metrics.occurrences(RotatorMetrics.ROW_MOVE_RETRIES));
    }

    private List<Vote> vote(AtomicBoolean voting) {
        GraphqlClient graphql = local.api.apiKeyClient();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Vote> votes = new ArrayList<>();
        while (voting.get()) {
            String movieId = graphql.execute(Operations.CURRENT_MOVIE).assertSucceeded()
                    .data("currentMovie").path("id").asText();
            // Several votes per read, so some are cast after a rotation for the previous movie.
            for (int i = 0; i < 3 && voting.get(); i++) {
                String reaction = Reviews.REACTIONS.get(random.nextInt(Reviews.REACTIONS.size()));
                int count = 1 + random.nextInt(3);
                GraphqlClient.Response response = graphql.execute(Operations.VOTE,
                        Map.of("movieId", movieId, "reaction", reaction, "count", count));
                String outcome = response.succeeded() ? "ACCEPTED"
                        : String.join(",", response.errorTypes()) + " " + response.body();
                if (!response.succeeded() && response.errorTypes().equals(List.of("MovieNotCurrent"))) {
                    outcome = "MovieNotCurrent";
                }
                votes.add(new Vote(movieId, reaction, count, outcome));
            }
        }
        return votes;
    }
}
