package dev.refarch.realtime.cli;

import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.DynamoDbLocal;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Fresh, uniquely named Reviews tables in one DynamoDB Local, and ways to read and write rows. */
final class ReviewsTableFixture {

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final DynamoDbClient dynamo;

    ReviewsTableFixture(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /** An empty table keyed like the API's Reviews table; tests share the database, not tables. */
    String newTable() {
        String name = "Reviews-" + TABLES.incrementAndGet();
        DynamoDbLocal.createTable(dynamo, name, Reviews.REACTION);
        return name;
    }

    /** Every row of the table by reaction, sorted so failures read well. */
    Map<String, Map<String, AttributeValue>> rows(String table) {
        Map<String, Map<String, AttributeValue>> rows = new TreeMap<>();
        dynamo.scanPaginator(s -> s.tableName(table).consistentRead(true))
                .items()
                .forEach(item -> rows.put(item.get(Reviews.REACTION).s(), item));
        return rows;
    }

    void put(String table, Map<String, AttributeValue> item) {
        dynamo.putItem(p -> p.tableName(table).item(item));
    }

    /** A row as voting and a rotation leave it: a count, a current movie, a leaderboard entry. */
    static Map<String, AttributeValue> votedRow(String reaction, int count) {
        return Map.of(
                Reviews.REACTION, AttributeValue.fromS(reaction),
                Reviews.COUNT, AttributeValue.fromN(Integer.toString(count)),
                Reviews.MOVIE_ID, AttributeValue.fromS("movie-42"),
                Reviews.TOP_MOVIE_ID, AttributeValue.fromS("movie-7"),
                Reviews.TOP_MOVIE_TITLE, AttributeValue.fromS("The Seventh Seal"),
                Reviews.TOP_COUNT, AttributeValue.fromN("99"));
    }
}
