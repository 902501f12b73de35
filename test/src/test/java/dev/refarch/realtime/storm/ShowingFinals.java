package dev.refarch.realtime.storm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The final count of every showing, per reaction, as the rotations took them: the exact figure a storm's
 * accepted votes are compared with. A showing is {@code <movie id>@<rotation>}, as {@link VoteStorm} keeps its
 * votes: the catalog comes round again, so a movie has several showings in a long run. A showing's final count is the sum of its shards' final counts, which each
 * shard keeps after the move that took it ({@code previousMovieId}, {@code previousCount}) until the next
 * rotation moves it again, 10 s later. So on every {@code onCurrentMovie} event (sent after the rotation
 * moved every shard) this reads the Reviews table directly from DynamoDB Local (strongly consistent, around the
 * IAM gateway, as the tests' direct reads of the stand-ins do) and keeps the final counts of the shards that
 * rotation moved as the showing it ended (the one current before it). {@link #close} adds the showing still
 * current, from the shards' counts.
 *
 * <p>{@link #mismatches} compares them with the accepted votes, and the leaderboard (on each reaction's shard
 * 0) with the best showing seen: what "no vote lost or counted twice, across rotations" means for the storm.
 */
public final class ShowingFinals {

    private final GraphqlClient graphql;
    private final DynamoDbClient dynamo;
    private final String table;
    /** The showing current now, {@code <movie id>@<rotation>}; only the watcher (then close) changes it. */
    private volatile String current;
    private final RealtimeSubscriber rotations;
    private final Thread watcher;
    private volatile boolean watching = true;
    /** movie/reaction to the final count; guarded by itself. */
    private final Map<String, Long> finals = Collections.synchronizedMap(new TreeMap<>());
    /** Showings in the order they ended. */
    private final List<String> ended = Collections.synchronizedList(new ArrayList<>());
    private volatile long lastRotationNanos;
    private volatile int rotationsSeen;
    private volatile RuntimeException failure;

    /**
     * @param graphql           an API-key client of the run (the current showing when watching starts)
     * @param realtimeUrl       the run's real-time endpoint
     * @param dynamodbEndpoint  DynamoDB Local itself (the ready file's {@code dynamodbEndpoint})
     * @param reviewsTable      the Reviews table's name (the ready file's {@code table.reviews})
     */
    public ShowingFinals(GraphqlClient graphql, URI realtimeUrl, URI dynamodbEndpoint, String reviewsTable) {
        this.graphql = graphql;
        this.dynamo = DynamoDbClient.builder().endpointOverride(dynamodbEndpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test")))
                .build();
        this.table = reviewsTable;
        this.rotations = RealtimeSubscriber.connect(realtimeUrl, graphql.authHeaders());
        rotations.subscribe(Operations.ON_CURRENT_MOVIE);
        // Read after subscribing: a rotation after this read is an event, one before it is this showing.
        current = VoteStorm.showing(graphql);
        watcher = new Thread(this::watch, "showing-finals");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch() {
        while (watching) {
            JsonNode event;
            try {
                event = rotations.awaitNext(Duration.ofMillis(200));
            } catch (AssertionError nothingYet) {
                continue;
            }
            JsonNode movie = event.at("/payload/data/onCurrentMovie");
            if (movie.isMissingNode()) {
                continue;
            }
            try {
                if (record(movie.path("id").asText(), movie.path("rotation").asLong())) {
                    lastRotationNanos = System.nanoTime();
                    rotationsSeen++;
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    /**
     * The rotation to {@code movieId} (number {@code rotation}) ended the current showing: keeps the final counts
     * it took from the shards it moved, as that showing's. A rotation already known (or older) changes nothing.
     *
     * @return whether it was a new rotation
     */
    private synchronized boolean record(String movieId, long rotation) {
        if (rotation <= Long.parseLong(current.substring(current.indexOf('@') + 1))) {
            return false;
        }
        String previous = current;
        Map<String, Long> taken = new LinkedHashMap<>();
        Reviews.REACTIONS.forEach(r -> taken.put(previous + "/" + r, 0L));
        for (Map<String, AttributeValue> shard : shards()) {
            if (movieId.equals(s(shard, Reviews.MOVIE_ID)) && rotation == n(shard, Reviews.ROTATION)
                    && shard.containsKey(Reviews.PREVIOUS_MOVIE_ID)) {
                String from = s(shard, Reviews.PREVIOUS_MOVIE_ID);
                // A showing between the two that this never saw would show here as another movie.
                String showing = from.equals(VoteStorm.movieId(previous)) ? previous : from + "@unseen";
                taken.merge(showing + "/" + reaction(shard), n(shard, Reviews.PREVIOUS_COUNT), Long::sum);
            }
        }
        finals.putAll(taken);
        ended.add(previous);
        current = movieId + "@" + rotation;
        return true;
    }

    private List<Map<String, AttributeValue>> shards() {
        return dynamo.scan(s -> s.tableName(table).consistentRead(true)).items();
    }

    private static String reaction(Map<String, AttributeValue> shard) {
        return s(shard, Reviews.REACTION).split(Reviews.SHARD_SEPARATOR)[0];
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static long n(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    /** When the last rotation's event arrived ({@link System#nanoTime}), 0 before any. */
    public long lastRotationNanos() {
        return lastRotationNanos;
    }

    public int rotationsSeen() {
        return rotationsSeen;
    }

    /**
     * Stops watching and adds the current showing's counts (the sum of its shards), read once every shard
     * holds the same showing (not in the middle of a rotation). Answers every final count kept, showing/reaction.
     */
    public Map<String, Long> close() {
        watching = false;
        try {
            watcher.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rotations.close();
        try {
            if (failure != null) {
                throw failure;
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (true) {
                // A rotation whose event had not arrived yet ends the showing here.
                String showing = VoteStorm.showing(graphql);
                record(VoteStorm.movieId(showing), Long.parseLong(showing.substring(showing.indexOf('@') + 1)));
                List<Map<String, AttributeValue>> shards = shards();
                Set<String> movies = new HashSet<>();
                shards.forEach(shard -> movies.add(s(shard, Reviews.MOVIE_ID) + "@" + n(shard, Reviews.ROTATION)));
                if (movies.equals(Set.of(current))) {
                    Map<String, Long> counts = new TreeMap<>();
                    Reviews.REACTIONS.forEach(r -> counts.put(current + "/" + r, 0L));
                    shards.forEach(shard -> counts.merge(current + "/" + reaction(shard), n(shard, Reviews.COUNT), Long::sum));
                    finals.putAll(counts);
                    return finals();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the shards did not all hold " + current + " for 15 s: " + movies);
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            leaderboard = leaderboard();
            dynamo.close();
        }
    }

    private Map<String, Map<String, AttributeValue>> leaderboard;

    private Map<String, Map<String, AttributeValue>> leaderboard() {
        Map<String, Map<String, AttributeValue>> rows = new TreeMap<>();
        for (Map<String, AttributeValue> shard : shards()) {
            if (!s(shard, Reviews.REACTION).contains(Reviews.SHARD_SEPARATOR)) {
                rows.put(reaction(shard), shard);
            }
        }
        return rows;
    }

    /** The final counts kept so far, showing/reaction. */
    public Map<String, Long> finals() {
        synchronized (finals) {
            return new TreeMap<>(finals);
        }
    }

    /**
     * After {@link #close}: each difference between the accepted votes (showing/reaction, as {@link VoteStorm}
     * keeps them) and the final counts, over every showing that got votes or ended while watched; and each
     * reaction whose leaderboard is not the first showing with the highest final count among those that ended
     * while watched (when one got votes). Empty when the counting was exact.
     */
    public List<String> mismatches(Map<String, Long> accepted) {
        Map<String, Long> kept = finals();
        List<String> wrong = new ArrayList<>();
        Set<String> showings = new HashSet<>();
        accepted.keySet().forEach(k -> showings.add(k.split("/")[0]));
        kept.keySet().forEach(k -> showings.add(k.split("/")[0]));
        for (String movie : showings) {
            for (String reaction : Reviews.REACTIONS) {
                String key = movie + "/" + reaction;
                Long fin = kept.get(key);
                long votes = accepted.getOrDefault(key, 0L);
                if (fin == null) {
                    if (votes > 0) {
                        wrong.add(key + ": " + votes + " votes accepted, no final count seen");
                    }
                } else if (fin != votes) {
                    wrong.add(key + ": " + votes + " votes accepted, final count " + fin);
                }
            }
        }
        List<String> order;
        synchronized (ended) {
            order = List.copyOf(ended);
        }
        for (String reaction : Reviews.REACTIONS) {
            String top = null;
            long topCount = 0;
            for (String movie : order) {
                long count = kept.getOrDefault(movie + "/" + reaction, 0L);
                if (count > topCount) {
                    top = movie;
                    topCount = count;
                }
            }
            Map<String, AttributeValue> row = leaderboard == null ? null : leaderboard.get(reaction);
            if (top != null && (row == null || n(row, Reviews.TOP_COUNT) < topCount)) {
                wrong.add(reaction + ": leaderboard " + (row == null ? "missing" : n(row, Reviews.TOP_COUNT) + " ("
                        + s(row, Reviews.TOP_MOVIE_ID) + ")") + ", below the best showing seen, " + topCount + " (" + top + ")");
            } else if (top != null && n(row, Reviews.TOP_COUNT) == topCount
                    && !VoteStorm.movieId(top).equals(s(row, Reviews.TOP_MOVIE_ID))) {
                wrong.add(reaction + ": leaderboard names " + s(row, Reviews.TOP_MOVIE_ID) + " for " + topCount
                        + ", the first showing with it was " + top);
            }
        }
        return wrong;
    }
}
