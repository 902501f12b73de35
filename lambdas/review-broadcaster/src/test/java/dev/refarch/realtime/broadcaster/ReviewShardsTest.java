package dev.refarch.realtime.broadcaster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.LocalApiExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A reaction's total read from its shards on DynamoDB Local, as the {@code reviews} query sums them. */
class ReviewShardsTest {

    @RegisterExtension
    static final LocalApiExtension LOCAL = new LocalApiExtension();

    private static void shard(String key, String movieId, long count, long rotation, long version) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                Reviews.REACTION, AttributeValue.fromS(key), Reviews.MOVIE_ID, AttributeValue.fromS(movieId),
                Reviews.COUNT, AttributeValue.fromN(Long.toString(count)),
                Reviews.ROTATION, AttributeValue.fromN(Long.toString(rotation)),
                Reviews.VERSION, AttributeValue.fromN(Long.toString(version))));
        if (!key.contains(Reviews.SHARD_SEPARATOR)) {
            item.put(Reviews.TOP_MOVIE_ID, AttributeValue.fromS("5"));
            item.put(Reviews.TOP_MOVIE_TITLE, AttributeValue.fromS("Five"));
            item.put(Reviews.TOP_COUNT, AttributeValue.fromN("40"));
        }
        LOCAL.api().dynamo().putItem(p -> p.tableName(LocalApi.REVIEWS_TABLE).item(item));
    }

    @Test
    void totalSumsTheShardsOfTheNewestRotationAndEveryShardsVersion() {
        // Mid-rotation: shards 0 and 2 moved to movie 9 (rotation 6), shard 1 still on movie 8; shard 4 is
        // beyond voteShards 4 (left by a larger setting) and not read.
        shard("LIKE", "9", 2, 6, 10);
        shard("LIKE#1", "8", 30, 5, 31);
        shard("LIKE#2", "9", 1, 6, 7);
        shard("LIKE#3", "9", 4, 6, 5);
        shard("LIKE#4", "9", 100, 6, 100);
        ReviewShards shards = new ReviewShards(LOCAL.api().dynamo(), LocalApi.REVIEWS_TABLE, 4);

        List<ReviewState> totals = shards.totals(List.of("LIKE"));

        assertEquals(List.of(new ReviewState("LIKE", "9", 2 + 1 + 4, "5", "Five", 40, 10 + 31 + 7 + 5)), totals);
    }

    @Test
    void aShardsRecordIsAChangeOfItsReaction() throws Exception {
        ReviewStreamEvent event = ReviewStreamEvent.of(new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"Records":[{"eventName":"MODIFY","dynamodb":{"SequenceNumber":"1","NewImage":{
                  "reaction":{"S":"HATE#3"},"movieId":{"S":"9"},"count":{"N":"1"},"version":{"N":"2"}}}}]}"""));

        assertEquals("HATE", event.changes().get(0).row().reaction());
    }
}
