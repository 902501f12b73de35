package dev.refarch.realtime.rotator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.BackendMutations;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Tells every client about a rotation in one AppSync request: {@code setCurrentMovie} (which
 * also stores the {@code CURRENT} item) and one {@code publishReview} per reaction, as
 * aliased fields, each selecting every field because subscribers receive only what the
 * mutation selected.
 */
public final class RotationBroadcast {

    /** The one operation this class sends; validated against the schema in a unit test. */
    public static final String OPERATION = operation();

    private final AppSyncClient appSync;

    public RotationBroadcast(AppSyncClient appSync) {
        this.appSync = appSync;
    }

    /** The variables of {@link #OPERATION} for this movie and these rows (one per reaction). */
    public static Map<String, Object> variables(Movie movie, List<ReviewRow> rows) {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("movie", movie);
        for (ReviewRow row : rows) {
            variables.put(variable(row.reaction()), row);
        }
        if (variables.size() != Reviews.REACTIONS.size() + 1) {
            throw new IllegalArgumentException("need one row per reaction, got " + rows);
        }
        return variables;
    }

    /**
     * Sends the broadcast; AppSync errors throw (the rotation stays pending and is sent again
     * next tick).
     *
     * @return the response's {@code data}
     */
    public JsonNode send(Movie movie, List<ReviewRow> rows, Supplier<Duration> timeLeft) {
        return appSync.execute(OPERATION, variables(movie, rows), timeLeft);
    }

    private static String variable(String reaction) {
        return "review" + reaction;
    }

    private static String operation() {
        StringBuilder declarations = new StringBuilder("$movie: MovieInput!");
        StringBuilder fields = new StringBuilder();
        fields.append(" movie: ").append(BackendMutations.SET_CURRENT_MOVIE.field()).append("(movie: $movie) { ")
                .append(BackendMutations.SET_CURRENT_MOVIE.selection()).append(" }");
        for (String reaction : Reviews.REACTIONS) {
            declarations.append(", $").append(variable(reaction)).append(": ReviewInput!");
            fields.append(" ").append(reaction.toLowerCase(java.util.Locale.ROOT)).append(": ")
                    .append(BackendMutations.PUBLISH_REVIEW.field()).append("(review: $").append(variable(reaction))
                    .append(") { ").append(BackendMutations.PUBLISH_REVIEW.selection()).append(" }");
        }
        return "mutation RotateMovie(" + declarations + ") {" + fields + " }";
    }
}
