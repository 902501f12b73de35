package dev.refarch.realtime.rotator;

import dev.refarch.realtime.graphql.TableContract.Movies;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The rotator's state in the Movies table: the current movie ({@code CURRENT}, written by the
 * {@code setCurrentMovie} resolver), the movies fetched but not shown yet ({@code CATALOG},
 * versioned) and a rotation in progress ({@code PENDING}).
 */
public final class Catalog {

    private static final String MOVIES = "movies";
    private static final String VERSION = "version";
    private static final String TOTAL_PAGES = "totalPages";
    private static final String TO = "to";
    private static final String FROM = "from";

    private final DynamoDbClient dynamo;
    private final String table;

    public Catalog(DynamoDbClient dynamo, String moviesTable) {
        this.dynamo = dynamo;
        this.table = moviesTable;
    }

    /** The movies not shown yet, as last stored, and the version to write against. */
    public record State(List<Movie> movies, long version, int totalPages) {

        /** No catalog stored yet. */
        static final State EMPTY = new State(List.of(), 0, 0);

        public State {
            movies = List.copyOf(movies);
        }
    }

    /** A rotation recorded but not finished: the rows may be partly moved, the broadcast not sent. */
    public record Pending(Movie to, Optional<Movie> from) {
    }

    /** The current movie, read consistently; empty before the first rotation. */
    public Optional<Movie> current() {
        Map<String, AttributeValue> item = get(Movies.CURRENT);
        return item.isEmpty() ? Optional.empty() : Optional.of(MovieItems.fromItem(item));
    }

    public Optional<Pending> pending() {
        Map<String, AttributeValue> item = get(Movies.PENDING);
        if (item.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue from = item.get(FROM);
        return Optional.of(new Pending(MovieItems.fromItem(item.get(TO).m()),
                from == null || from.m() == null || !from.hasM() ? Optional.empty()
                        : Optional.of(MovieItems.fromItem(from.m()))));
    }

    public State state() {
        Map<String, AttributeValue> item = get(Movies.CATALOG);
        if (item.isEmpty()) {
            return State.EMPTY;
        }
        List<Movie> movies = new ArrayList<>();
        AttributeValue list = item.get(MOVIES);
        if (list != null && list.hasL()) {
            list.l().forEach(m -> movies.add(MovieItems.fromItem(m.m())));
        }
        AttributeValue pages = item.get(TOTAL_PAGES);
        return new State(movies, Long.parseLong(item.get(VERSION).n()),
                pages == null ? 0 : Integer.parseInt(pages.n()));
    }

    /**
     * In one transaction: stores the catalog without the chosen movie (only if nobody changed
     * it since {@code read}) and records the rotation as pending (only if none is). So a movie
     * is never both left in the catalog and shown, and two rotations never run at once.
     *
     * @return false when another rotation got there first (nothing was written)
     */
    public boolean startRotation(State read, List<Movie> remaining, int totalPages, Pending pending) {
        Map<String, AttributeValue> catalog = new HashMap<>();
        catalog.put(Movies.PK, AttributeValue.fromS(Movies.CATALOG));
        catalog.put(MOVIES, AttributeValue.fromL(remaining.stream()
                .map(m -> AttributeValue.fromM(MovieItems.toItem(m))).toList()));
        catalog.put(VERSION, AttributeValue.fromN(Long.toString(read.version() + 1)));
        catalog.put(TOTAL_PAGES, AttributeValue.fromN(Integer.toString(totalPages)));
        Put.Builder putCatalog = Put.builder().tableName(table).item(catalog);
        if (read.version() == 0) {
            putCatalog.conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Movies.PK));
        } else {
            putCatalog.conditionExpression("#version = :read")
                    .expressionAttributeNames(Map.of("#version", VERSION))
                    .expressionAttributeValues(Map.of(":read", AttributeValue.fromN(Long.toString(read.version()))));
        }
        Map<String, AttributeValue> intent = new HashMap<>();
        intent.put(Movies.PK, AttributeValue.fromS(Movies.PENDING));
        intent.put(TO, AttributeValue.fromM(MovieItems.toItem(pending.to())));
        pending.from().ifPresent(from -> intent.put(FROM, AttributeValue.fromM(MovieItems.toItem(from))));
        Put putPending = Put.builder().tableName(table).item(intent)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", Movies.PK)).build();
        try {
            dynamo.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder().put(putCatalog.build()).build(),
                    TransactWriteItem.builder().put(putPending).build()));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.hasCancellationReasons() && e.cancellationReasons().stream()
                    .allMatch(r -> r.code() == null || "None".equals(r.code())
                            || "ConditionalCheckFailed".equals(r.code()))) {
                return false;
            }
            throw e;
        }
    }

    /** Removes the pending rotation once its broadcast went out (only if it is still this one). */
    public void finishRotation(Movie to) {
        dynamo.deleteItem(d -> d.tableName(table)
                .key(Map.of(Movies.PK, AttributeValue.fromS(Movies.PENDING)))
                .conditionExpression("#to.id = :id")
                .expressionAttributeNames(Map.of("#to", TO))
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(to.id()))));
    }

    private Map<String, AttributeValue> get(String key) {
        return dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of(Movies.PK, AttributeValue.fromS(key)))).item();
    }
}
