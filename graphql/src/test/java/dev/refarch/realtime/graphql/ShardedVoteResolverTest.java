package dev.refarch.realtime.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.Operations;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The vote resolver with VOTE_SHARDS 4 on the simulator and DynamoDB Local. */
class ShardedVoteResolverTest {

    private static final int SHARDS = 4;
    private static LocalApi api;

    @BeforeAll
    static void start() {
        api = LocalApi.start(SHARDS);
        for (String reaction : Reviews.REACTIONS) {
            for (int shard = 0; shard < SHARDS; shard++) {
                int s = shard;
                api.dynamo().putItem(p -> p.tableName(LocalApi.REVIEWS_TABLE).item(Map.of(
                        Reviews.REACTION, AttributeValue.fromS(Reviews.shardKey(reaction, s)),
                        Reviews.MOVIE_ID, AttributeValue.fromS("m1"), Reviews.COUNT, AttributeValue.fromN("0"),
                        Reviews.ROTATION, AttributeValue.fromN("1"))));
            }
        }
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void votesSpreadOverTheShardsAndTheReviewsQuerySumsThem() {
        GraphqlClient client = api.apiKeyClient();
        int votes = 40;
        for (int i = 0; i < votes; i++) {
            JsonNode answer = client.execute(Operations.VOTE, Map.of("movieId", "m1", "reaction", "LOVE", "count", 1))
                    .assertSucceeded().data("vote");
            assertEquals("LOVE", answer.path("reaction").asText(), "answered under the reaction's name");
            assertTrue(answer.path("count").asInt() >= 1);
            assertTrue(answer.path("version").isNumber());
        }
        int shardsHit = 0;
        for (int shard = 0; shard < SHARDS; shard++) {
            if (Long.parseLong(api.reviewRow(Reviews.shardKey("LOVE", shard)).get(Reviews.COUNT).n()) > 0) {
                shardsHit++;
            }
        }
        // 40 uniform picks over 4 shards leave one unhit with probability 4 x 0.75^40, about 4e-5.
        assertEquals(SHARDS, shardsHit, "every shard got votes");
        assertEquals(votes, api.storedTotal("LOVE", SHARDS, "m1"));
        for (JsonNode review : client.execute(Operations.REVIEWS).assertSucceeded().data("reviews")) {
            if (review.path("reaction").asText().equals("LOVE")) {
                assertEquals(votes, review.path("count").asInt(), "the reviews query sums the shards");
                assertEquals("m1", review.path("movieId").asText());
                assertEquals(votes, review.path("version").asInt(), "the sum of the shards' versions");
            }
        }
        client.execute(Operations.VOTE, Map.of("movieId", "m0", "reaction", "LOVE", "count", 1))
                .assertErrorType("MovieNotCurrent");
    }
}
