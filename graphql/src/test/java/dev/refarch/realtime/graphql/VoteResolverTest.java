package dev.refarch.realtime.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.LocalApiExtension;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The vote resolver against DynamoDB Local through the AppSync simulator. */
class VoteResolverTest {

    private static final String CURRENT = "movie-550";
    private static final String PREVIOUS = "movie-13";

    @RegisterExtension
    static final LocalApiExtension LOCAL = new LocalApiExtension();

    private static LocalApi api() {
        return LOCAL.api();
    }

    @BeforeEach
    void seed() {
        api().seedReviews(CURRENT);
        api().iamClient().execute(Operations.SET_CURRENT_MOVIE,
                Map.of("movie", Map.of("id", CURRENT, "title", "Fight Club", "rotation", 1))).assertSucceeded();
    }

    private static GraphqlClient.Response vote(String movieId, String reaction, int count) {
        return api().apiKeyClient().execute(Operations.VOTE,
                Map.of("movieId", movieId, "reaction", reaction, "count", count));
    }

    @Test
    void concurrentVotesAreEachCountedExactlyOnce() throws Exception {
        int clients = 20;
        int votesPerClient = 50;
        Map<String, Long> expected = new HashMap<>();
        for (int c = 0; c < clients; c++) {
            for (int v = 0; v < votesPerClient; v++) {
                expected.merge(reactionOf(c, v), (long) countOf(c, v), Long::sum);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<GraphqlClient.Response>>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    GraphqlClient graphql = api().apiKeyClient();
                    List<GraphqlClient.Response> responses = new ArrayList<>();
                    for (int v = 0; v < votesPerClient; v++) {
                        responses.add(graphql.execute(Operations.VOTE, Map.of("movieId", CURRENT,
                                "reaction", reactionOf(client, v), "count", countOf(client, v))));
                    }
                    return responses;
                }));
            }
            int succeeded = 0;
            for (Future<List<GraphqlClient.Response>> result : results) {
                for (GraphqlClient.Response response : result.get()) {
                    response.assertSucceeded();
                    succeeded++;
                }
            }
            assertEquals(clients * votesPerClient, succeeded);
        } finally {
            pool.shutdownNow();
        }
        for (String reaction : Reviews.REACTIONS) {
            assertEquals(expected.getOrDefault(reaction, 0L), api().storedCount(reaction), "stored count of " + reaction);
        }
        JsonNode reviews = api().apiKeyClient().execute(Operations.REVIEWS).assertSucceeded().data("reviews");
        assertEquals(5, reviews.size());
        for (JsonNode review : reviews) {
            String reaction = review.path("reaction").asText();
            assertEquals(expected.getOrDefault(reaction, 0L), review.path("count").asLong(), "reviews count of " + reaction);
            assertEquals(CURRENT, review.path("movieId").asText());
        }
    }

    private static String reactionOf(int client, int vote) {
        return Reviews.REACTIONS.get((client + vote) % Reviews.REACTIONS.size());
    }

    private static int countOf(int client, int vote) {
        return 1 + (client * 7 + vote) % 5;
    }

    @Test
    void voteForAMovieNoLongerCurrentIsRejectedAndNotCounted() {
        Map<String, AttributeValue> before = api().reviewRow("LOVE");
        GraphqlClient.Response response = vote(PREVIOUS, "LOVE", 3).assertErrorType("MovieNotCurrent");
        assertTrue(response.data("vote").isNull(), response.body().toString());
        assertTrue(response.errors().get(0).path("message").asText().contains("not the current movie"),
                response.body().toString());
        assertEquals(before, api().reviewRow("LOVE"));
    }

    @Test
    void voteCountOutsideOneToHundredIsRejectedAndNotCounted() {
        for (int count : new int[] {0, -1, 101}) {
            vote(CURRENT, "LIKE", count).assertErrorType("VoteCountOutOfRange");
        }
        assertEquals(0, api().storedCount("LIKE"));
    }

    @Test
    void voteCountsOfOneAndOneHundredAreCounted() {
        JsonNode first = vote(CURRENT, "MEH", 1).assertSucceeded().data("vote");
        assertEquals(1, first.path("count").asInt());
        assertEquals(CURRENT, first.path("movieId").asText());
        assertEquals(101, vote(CURRENT, "MEH", 100).assertSucceeded().data("vote").path("count").asInt());
        assertEquals(101, api().storedCount("MEH"));
    }

    @Test
    void unknownReactionIsAValidationErrorAndNothingIsCounted() {
        Map<String, Map<String, AttributeValue>> before = new HashMap<>();
        Reviews.REACTIONS.forEach(r -> before.put(r, api().reviewRow(r)));
        GraphqlClient.Response response = vote(CURRENT, "BORED", 1);
        assertFalse(response.errors().isEmpty(), response.body().toString());
        assertTrue(response.errors().get(0).path("message").asText().contains("BORED"), response.body().toString());
        assertTrue(response.data("vote").isMissingNode() || response.data("vote").isNull(), response.body().toString());
        Reviews.REACTIONS.forEach(r -> assertEquals(before.get(r), api().reviewRow(r), r));
    }

    @Test
    void eachCountedVoteGrowsTheRowsVersionByOne() {
        long before = api().reviewRow("LIKE").containsKey(Reviews.VERSION)
                ? Long.parseLong(api().reviewRow("LIKE").get(Reviews.VERSION).n()) : 0;
        JsonNode first = vote(CURRENT, "LIKE", 3).assertSucceeded().data("vote");
        JsonNode second = vote(CURRENT, "LIKE", 3).assertSucceeded().data("vote");
        assertEquals(before + 1, first.path("version").asLong());
        assertEquals(before + 2, second.path("version").asLong());
        vote(PREVIOUS, "LIKE", 3).assertErrorType("MovieNotCurrent");
        assertEquals(before + 2, Long.parseLong(api().reviewRow("LIKE").get(Reviews.VERSION).n()));
    }

    /**
     * A vote answers its caller only: whatever it selects (here only {@code reaction}, which on
     * AppSync would send every subscriber nulls in non-null fields), review subscribers receive
     * nothing from it. The simulator shapes payloads by the mutation's selection set as AppSync
     * does (graphql/simulator/patches.js), so a trigger would show here.
     */
    @Test
    void noVoteReachesReviewSubscribersWhateverItSelects() {
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_REVIEW);
            api().apiKeyClient().execute("mutation { vote(movieId: \"" + CURRENT + "\", reaction: HATE, count: 4) { reaction } }",
                    Map.of()).assertSucceeded();
            vote(CURRENT, "HATE", 4).assertSucceeded();
            subscriber.assertNothingWithin(Duration.ofSeconds(1));
            assertEquals(8, api().storedCount("HATE"));
        }
    }

    /** The only trigger of onReview is publishReview, which the API key cannot call (BackendMutationsTest). */
    @Test
    void onReviewIsTriggeredByBackendOnlyMutationsAlone() {
        graphql.schema.GraphQLFieldDefinition onReview = dev.refarch.realtime.graphql.testing.AppSyncSchema.schema()
                .getSubscriptionType().getFieldDefinition("onReview");
        String mutations = onReview.getAppliedDirective("aws_subscribe").getArgument("mutations").getValue().toString();
        assertEquals("[publishReview]", mutations);
        assertFalse(dev.refarch.realtime.graphql.testing.AppSyncSchema.schema().getMutationType()
                .getFieldDefinition("publishReview").hasAppliedDirective("aws_api_key"));
    }

    @Test
    void publishedReviewReachesSubscribersWithEveryField() {
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_REVIEW);
            api().iamClient().execute(Operations.PUBLISH_REVIEW, Map.of("review", Map.of("reaction", "LOVE",
                    "movieId", CURRENT, "count", 2, "topCount", 0, "version", 12))).assertSucceeded();
            JsonNode review = subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onReview");
            assertEquals("LOVE", review.path("reaction").asText());
            assertEquals(2, review.path("count").asInt());
            assertEquals(12, review.path("version").asLong());
        }
    }

    /** The only trigger of onReviews is publishReviews, which the API key cannot call. */
    @Test
    void onReviewsIsTriggeredByBackendOnlyMutationsAlone() {
        graphql.schema.GraphQLFieldDefinition onReviews = dev.refarch.realtime.graphql.testing.AppSyncSchema.schema()
                .getSubscriptionType().getFieldDefinition("onReviews");
        String mutations = onReviews.getAppliedDirective("aws_subscribe").getArgument("mutations").getValue().toString();
        assertEquals("[publishReviews]", mutations);
        assertFalse(dev.refarch.realtime.graphql.testing.AppSyncSchema.schema().getMutationType()
                .getFieldDefinition("publishReviews").hasAppliedDirective("aws_api_key"));
    }

    @Test
    void publishedBoardReachesSubscribersAsOneMessageWithEveryReview() {
        java.util.List<Map<String, Object>> reviews = new java.util.ArrayList<>();
        for (String reaction : TableContract.Reviews.REACTIONS) {
            reviews.add(Map.of("reaction", reaction, "movieId", CURRENT, "count", reaction.length(), "topCount", 0,
                    "version", 20 + reaction.length()));
        }
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_REVIEWS);
            api().iamClient().execute(Operations.PUBLISH_REVIEWS, Map.of("board", Map.of("reviews", reviews,
                    "publishedAt", "2026-01-05T14:30:00Z"))).assertSucceeded();
            JsonNode board = subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onReviews");
            assertEquals(5, board.path("reviews").size());
            assertEquals("UNKNOWN", board.path("reviews").path(3).path("reaction").asText());
            assertEquals(27, board.path("reviews").path(3).path("version").asLong());
            assertEquals("2026-01-05T14:30:00Z", board.path("publishedAt").asText());
            subscriber.assertNothingWithin(Duration.ofMillis(300));
        }
    }

    @Test
    void boardWithAReactionTwiceOrNoReviewIsRefusedAndBroadcastsNothing() {
        Map<String, Object> love = Map.of("reaction", "LOVE", "movieId", CURRENT, "count", 1, "topCount", 0,
                "version", 1);
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_REVIEWS);
            api().iamClient().execute(Operations.PUBLISH_REVIEWS, Map.of("board", Map.of("reviews",
                    java.util.List.of(love, love), "publishedAt", "2026-01-05T14:30:00Z")))
                    .assertErrorType("InvalidReviewBoard");
            api().iamClient().execute(Operations.PUBLISH_REVIEWS, Map.of("board", Map.of("reviews",
                    java.util.List.of(), "publishedAt", "2026-01-05T14:30:00Z")))
                    .assertErrorType("InvalidReviewBoard");
            subscriber.assertNothingWithin(Duration.ofMillis(500));
        }
    }
}
