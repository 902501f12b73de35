package dev.refarch.realtime.rotator;

import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.BackendMutations;
import dev.refarch.realtime.appsync.GraphqlErrorsException;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Tells every client about a rotation in two AppSync requests: first {@code setCurrentMovie}
 * (which stores the {@code CURRENT} item, fenced by the rotation number), then, only once it
 * was accepted, one {@code publishReview} per reaction as aliased fields. Two requests because
 * AppSync runs every alias of a request even when one fails: a stale rotation's review rows
 * must not reach subscribers after its movie was refused. Every field is selected because
 * subscribers receive only what the mutation selected.
 */
public final class RotationBroadcast {

    /** The errorType {@code setCurrentMovie} answers for a rotation older than the current movie's. */
    public static final String STALE_ROTATION = "StaleRotation";
    /** The movie operation; validated against the schema in a unit test. */
    public static final String MOVIE_OPERATION = movieOperation();
    /** The reviews operation; validated against the schema in a unit test. */
    public static final String REVIEWS_OPERATION = reviewsOperation();

    private final AppSyncClient appSync;

    public RotationBroadcast(AppSyncClient appSync) {
        this.appSync = appSync;
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

    /** The variables of {@link #REVIEWS_OPERATION} for these rows (one per reaction). */
    public static Map<String, Object> reviewVariables(List<ReviewRow> rows) {
        Map<String, Object> variables = new LinkedHashMap<>();
        for (ReviewRow row : rows) {
            variables.put(variable(row.reaction()), row);
        }
        if (variables.size() != Reviews.REACTIONS.size()) {
            throw new IllegalArgumentException("need one row per reaction, got " + rows);
        }
        return variables;
    }

    /**
     * Sends the broadcast. AppSync errors throw (the rotation stays pending and is sent again
     * next tick; the same rotation number is accepted again).
     *
     * @throws StaleRotationException when a newer rotation's movie is current: nothing was
     *     stored or broadcast
     */
    public void send(Movie movie, long rotation, List<ReviewRow> rows, Supplier<Duration> timeLeft) {
        Map<String, Object> reviews = reviewVariables(rows);
        try {
            appSync.execute(MOVIE_OPERATION, movieVariables(movie, rotation), timeLeft);
        } catch (GraphqlErrorsException e) {
            if (e.hasErrorType(STALE_ROTATION)) {
                throw new StaleRotationException("setCurrentMovie refused movie " + movie.id() + " of rotation "
                        + rotation + ": a newer rotation's movie is current");
            }
            throw e;
        }
        appSync.execute(REVIEWS_OPERATION, reviews, timeLeft);
    }

    private static String variable(String reaction) {
        return "review" + reaction;
    }

    private static String movieOperation() {
        return "mutation RotateMovie($movie: MovieInput!) { movie: " + BackendMutations.SET_CURRENT_MOVIE.field()
                + "(movie: $movie) { " + BackendMutations.SET_CURRENT_MOVIE.selection() + " } }";
    }

    private static String reviewsOperation() {
        StringBuilder declarations = new StringBuilder();
        StringBuilder fields = new StringBuilder();
        for (String reaction : Reviews.REACTIONS) {
            declarations.append(declarations.isEmpty() ? "" : ", ").append("$").append(variable(reaction))
                    .append(": ReviewInput!");
            fields.append(" ").append(reaction.toLowerCase(java.util.Locale.ROOT)).append(": ")
                    .append(BackendMutations.PUBLISH_REVIEW.field()).append("(review: $").append(variable(reaction))
                    .append(") { ").append(BackendMutations.PUBLISH_REVIEW.selection()).append(" }");
        }
        return "mutation RotateReviews(" + declarations + ") {" + fields + " }";
    }
}
