package dev.refarch.realtime.rotator;

import dev.refarch.realtime.graphql.TableContract.Movies;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The rotator's state in the Movies table: the current movie ({@code CURRENT}, written by the
 * {@code setCurrentMovie} resolver), the movies fetched but not shown yet ({@code CATALOG},
 * versioned) and a rotation in progress ({@code PENDING}).
 *
 * <p>Every rotation has a number that only grows: chosen when it starts (one more than the
 * highest of the catalog's last rotation and the current movie's), stored on {@code CATALOG}
 * and {@code PENDING}, and carried by each write of the rotation (row moves, the current
 * movie, completion), so a stalled invocation of an older rotation changes nothing.
 */
public final class Catalog {

    private static final String MOVIES = "movies";
    private static final String VERSION = "version";
    private static final String TOTAL_PAGES = "totalPages";
    private static final String TO = "to";
    private static final String FROM = "from";
    private static final String ROTATION = Movies.ROTATION;
    private static final String ATTEMPTS = "attempts";
    /** On {@code CURRENT}: when the movie became current, stamped by the {@code setCurrentMovie} resolver. */
    static final String STARTED_AT = "startedAt";

    private final DynamoDbClient dynamo;
    private final String table;

    public Catalog(DynamoDbClient dynamo, String moviesTable) {
        this.dynamo = dynamo;
        this.table = moviesTable;
    }

    /**
     * The movies not shown yet, as last stored, and the version to write against.
     *
     * @param rotation the number of the last rotation started (0 before the first)
     */
    public record State(List<Movie> movies, long version, int totalPages, long rotation) {

        /** No catalog stored yet. */
        static final State EMPTY = new State(List.of(), 0, 0, 0);

        public State {
            movies = List.copyOf(movies);
        }
    }

    /**
     * A rotation recorded but not finished: the rows may be partly moved, the broadcast not sent.
     *
     * @param rotation its number
     * @param attempts invocations that started working on it, this one included
     */
    public record Pending(Movie to, Optional<Movie> from, long rotation, int attempts) {

        /** A rotation about to start: its first attempt. */
        public Pending(Movie to, Optional<Movie> from, long rotation) {
            this(to, from, rotation, 1);
        }
    }

    /**
     * The current movie and the rotation that made it current (0 when it carries none).
     *
     * @param startedAt when it became current ({@code setCurrentMovie} stamps it); empty on an item
     *     written without one
     */
    public record Current(Movie movie, long rotation, Optional<Instant> startedAt) {

        /** How long it has been on screen at {@code now}; empty without a start time. */
        public Optional<Duration> onScreenFor(Instant now) {
            return startedAt.map(start -> Duration.between(start, now));
        }
    }

    /** The current movie, read consistently; empty before the first rotation. */
    public Optional<Movie> current() {
        return currentShowing().map(Current::movie);
    }

    /** The current movie with its rotation number, read consistently. */
    public Optional<Current> currentShowing() {
        Map<String, AttributeValue> item = get(Movies.CURRENT);
        return item.isEmpty() ? Optional.empty() : Optional.of(new Current(MovieItems.fromItem(item), number(item, ROTATION),
                instant(MovieItems.s(item, STARTED_AT))));
    }

    /** An ISO-8601 time as the resolver's {@code $util.time.nowISO8601()} writes it; empty when absent or unreadable. */
    private static Optional<Instant> instant(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public Optional<Pending> pending() {
        Map<String, AttributeValue> item = get(Movies.PENDING);
        if (item.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue from = item.get(FROM);
        return Optional.of(new Pending(MovieItems.fromItem(item.get(TO).m()),
                from == null || from.m() == null || !from.hasM() ? Optional.empty()
                        : Optional.of(MovieItems.fromItem(from.m())),
                number(item, ROTATION), (int) number(item, ATTEMPTS)));
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
                pages == null ? 0 : Integer.parseInt(pages.n()), number(item, ROTATION));
    }

    /**
     * In one transaction: stores the catalog without the chosen movie (only if nobody changed
     * it since {@code read}) and records the rotation as pending (only if none is). So a movie
     * is never both left in the catalog and shown, two rotations never start at once, and each
     * rotation number is given out once.
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
        catalog.put(ROTATION, AttributeValue.fromN(Long.toString(pending.rotation())));
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
        intent.put(ROTATION, AttributeValue.fromN(Long.toString(pending.rotation())));
        intent.put(ATTEMPTS, AttributeValue.fromN(Integer.toString(pending.attempts())));
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

    /**
     * Counts one more attempt at a pending rotation, only if it is still pending.
     *
     * @return the attempts including this one; empty when the rotation is no longer pending
     *     (another invocation completed or abandoned it)
     */
    public OptionalInt recordAttempt(Pending pending) {
        try {
            Map<String, AttributeValue> after = dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(Movies.PK, AttributeValue.fromS(Movies.PENDING)))
                    .updateExpression("ADD #attempts :one")
                    .conditionExpression(isThisRotation(pending))
                    .expressionAttributeNames(Map.of("#attempts", ATTEMPTS, "#rotation", ROTATION))
                    .expressionAttributeValues(withOne(rotationValue(pending)))
                    .returnValues(ReturnValue.UPDATED_NEW)).attributes();
            return OptionalInt.of((int) number(after, ATTEMPTS));
        } catch (ConditionalCheckFailedException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Removes the pending rotation once its broadcast went out, only if it is still this
     * rotation.
     *
     * @return true when this call removed it; false when it was already completed (a second
     *     finisher of the same rotation), which is not an error
     */
    public boolean finishRotation(Pending pending) {
        return deletePending(pending);
    }

    /**
     * Drops a pending rotation that keeps failing, only if it is still this rotation, so the
     * next rotation can start.
     *
     * @return false when it was no longer pending
     */
    public boolean abandonRotation(Pending pending) {
        return deletePending(pending);
    }

    private boolean deletePending(Pending pending) {
        try {
            dynamo.deleteItem(d -> d.tableName(table)
                    .key(Map.of(Movies.PK, AttributeValue.fromS(Movies.PENDING)))
                    .conditionExpression(isThisRotation(pending))
                    .expressionAttributeNames(Map.of("#rotation", ROTATION))
                    .applyMutation(b -> {
                        if (pending.rotation() > 0) {
                            b.expressionAttributeValues(rotationValue(pending));
                        }
                    }));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** A PENDING item left by a version without rotation numbers reads as rotation 0. */
    private static String isThisRotation(Pending pending) {
        return pending.rotation() > 0 ? "#rotation = :rotation" : "attribute_exists(" + Movies.PK + ") AND attribute_not_exists(#rotation)";
    }

    private static Map<String, AttributeValue> rotationValue(Pending pending) {
        return pending.rotation() > 0 ? Map.of(":rotation", AttributeValue.fromN(Long.toString(pending.rotation())))
                : Map.of();
    }

    private static Map<String, AttributeValue> withOne(Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":one", AttributeValue.fromN("1"));
        return all;
    }

    static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private Map<String, AttributeValue> get(String key) {
        return dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of(Movies.PK, AttributeValue.fromS(key)))).item();
    }
}
