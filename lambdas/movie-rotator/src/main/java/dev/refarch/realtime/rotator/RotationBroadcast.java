package dev.refarch.realtime.rotator;

import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.BackendMutations;
import dev.refarch.realtime.appsync.GraphqlErrorsException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Tells every client about a rotation: one {@code setCurrentMovie} (which stores the
 * {@code CURRENT} item, fenced by the rotation number). The moved Reviews rows are not sent
 * from here: their writes reach the Reviews table's stream, and the review broadcaster publishes
 * them like any vote, with the row's version, so a client can never see a row of this rotation
 * go backwards. Every field is selected because subscribers receive only what the mutation
 * selected.
 */
public final class RotationBroadcast {

    /** The errorType {@code setCurrentMovie} answers for a rotation older than the current movie's. */
    public static final String STALE_ROTATION = "StaleRotation";
    /** The movie operation; validated against the schema in a unit test. */
    public static final String MOVIE_OPERATION = "mutation RotateMovie($movie: MovieInput!) { movie: "
            + BackendMutations.SET_CURRENT_MOVIE.field() + "(movie: $movie) { "
            + BackendMutations.SET_CURRENT_MOVIE.selection() + " } }";
    /**
     * The movie operation without an alias, for {@code mutationsPerRequest} 1: that AppSync triggers
     * subscriptions for aliased mutation fields is not documented.
     */
    public static final String UNALIASED_MOVIE_OPERATION = "mutation RotateMovie($movie: MovieInput!) { "
            + BackendMutations.SET_CURRENT_MOVIE.field() + "(movie: $movie) { "
            + BackendMutations.SET_CURRENT_MOVIE.selection() + " } }";

    private final AppSyncClient appSync;
    private final String operation;

    /** @param mutationsPerRequest {@code RotatorConfig.mutationsPerRequest()}: 1 sends the mutation unaliased */
    public RotationBroadcast(AppSyncClient appSync, int mutationsPerRequest) {
        this.appSync = appSync;
        this.operation = operation(mutationsPerRequest);
    }

    /** The operation sent for {@code mutationsPerRequest}. */
    static String operation(int mutationsPerRequest) {
        return mutationsPerRequest == 1 ? UNALIASED_MOVIE_OPERATION : MOVIE_OPERATION;
    }

    /** The variables of {@link #MOVIE_OPERATION}: the schema's {@code MovieInput}. */
    public static Map<String, Object> movieVariables(Movie movie, long rotation) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("id", movie.id());
        input.put("title", movie.title());
        input.put("overview", movie.overview());
        input.put("posterUrl", PosterUrl.normalize(movie.posterUrl()).orElse(null));
        input.put("releaseDate", movie.releaseDate());
        input.put("rotation", rotation);
        return Map.of("movie", input);
    }

    /**
     * Sends the broadcast. AppSync errors throw (the rotation stays pending and is sent again
     * next tick; the same rotation number is accepted again).
     *
     * @throws StaleRotationException when a newer rotation's movie is current: nothing was
     *     stored or broadcast
     */
    public void send(Movie movie, long rotation, Supplier<Duration> timeLeft) {
        try {
            appSync.execute(operation, movieVariables(movie, rotation), timeLeft);
        } catch (GraphqlErrorsException e) {
            if (e.hasErrorType(STALE_ROTATION)) {
                throw new StaleRotationException("setCurrentMovie refused movie " + movie.id() + " of rotation "
                        + rotation + ": a newer rotation's movie is current");
            }
            throw e;
        }
    }
}
