package dev.refarch.realtime.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.cli.AwsClients;
import dev.refarch.realtime.cli.ReviewsCli;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.LocalApiExtension;
import dev.refarch.realtime.graphql.testing.Operations;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Reviews rows the operator's CLI task writes are the rows the deployed resolvers expect:
 * the seed CLI against DynamoDB Local, then the real VTL resolvers in the AppSync simulator
 * reading and voting on them.
 */
class SeededReviewsSystemTest {

    @RegisterExtension
    static final LocalApiExtension LOCAL = new LocalApiExtension();

    private static LocalApi api() {
        return LOCAL.api();
    }

    @Test
    void cliSeededRowsServeTheApiAndResetKeepsTheLeaderboard() {
        assertEquals(ReviewsCli.OK, seed());
        assertEquals(Map.of("LOVE", 0, "LIKE", 0, "MEH", 0, "UNKNOWN", 0, "HATE", 0), countsFromApi());

        // Before the first rotation no row belongs to a movie: votes are rejected, nothing counted.
        api().apiKeyClient().execute(Operations.VOTE, Map.of("movieId", "603", "reaction", "LOVE", "count", 3))
                .assertErrorType("MovieNotCurrent");

        // What the rotator does at a rotation: point each row at the new current movie.
        for (String reaction : Reviews.REACTIONS) {
            api().dynamo().updateItem(u -> u.tableName(LocalApi.REVIEWS_TABLE)
                    .key(Map.of(Reviews.REACTION, AttributeValue.fromS(reaction)))
                    .updateExpression("SET movieId = :m, topMovieId = :m, topCount = :t")
                    .expressionAttributeValues(Map.of(":m", AttributeValue.fromS("603"), ":t", AttributeValue.fromN("9"))));
        }
        api().apiKeyClient().execute(Operations.VOTE, Map.of("movieId", "603", "reaction", "LOVE", "count", 3))
                .assertSucceeded();
        api().apiKeyClient().execute(Operations.VOTE, Map.of("movieId", "603", "reaction", "HATE", "count", 1))
                .assertSucceeded();
        assertEquals(Map.of("LOVE", 3, "LIKE", 0, "MEH", 0, "UNKNOWN", 0, "HATE", 1), countsFromApi());

        assertEquals(ReviewsCli.OK, seed());
        assertEquals(3, countsFromApi().get("LOVE"), "seeding again must not reset counts");

        assertEquals(ReviewsCli.OK, seed("--reset"));
        assertEquals(Map.of("LOVE", 0, "LIKE", 0, "MEH", 0, "UNKNOWN", 0, "HATE", 0), countsFromApi());
        for (JsonNode review : reviews()) {
            assertEquals(9, review.path("topCount").asInt(), review.toString());
            assertEquals("603", review.path("movieId").asText(), "reset keeps the current movie");
        }
    }

    private static int seed(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "seed";
        args[1] = "--table";
        args[2] = LocalApi.REVIEWS_TABLE;
        args[3] = "--endpoint=" + api().dynamoDbEndpoint();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return new CommandLine(new ReviewsCli(AwsClients.defaults()))
                .setOut(new PrintWriter(new StringWriter()))
                .execute(args);
    }

    private static JsonNode reviews() {
        return api().apiKeyClient().execute(Operations.REVIEWS).assertSucceeded().data("reviews");
    }

    private static Map<String, Integer> countsFromApi() {
        Map<String, Integer> counts = new TreeMap<>();
        reviews().forEach(r -> counts.put(r.path("reaction").asText(), r.path("count").asInt()));
        return counts;
    }
}
