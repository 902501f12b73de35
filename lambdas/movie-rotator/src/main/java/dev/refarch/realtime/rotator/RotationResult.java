package dev.refarch.realtime.rotator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one invocation did.
 *
 * @param rotated whether a new movie is current and broadcast
 * @param movie   the new movie when rotated
 * @param reason  why not, when not rotated (e.g. {@code tmdb-rate-limited})
 * @param moves   the five row moves when rotated
 */
public record RotationResult(boolean rotated, Movie movie, String reason, List<RowMove> moves) {

    static RotationResult rotated(Movie movie, List<RowMove> moves) {
        return new RotationResult(true, movie, null, List.copyOf(moves));
    }

    static RotationResult skipped(String reason) {
        return new RotationResult(false, null, reason, List.of());
    }

    /** The small JSON-friendly answer the handler returns, e.g. {@code {"rotated":true,"movieId":"603"}}. */
    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("rotated", rotated);
        if (rotated) {
            summary.put("movieId", movie.id());
            summary.put("title", movie.title());
        } else {
            summary.put("reason", reason);
        }
        return summary;
    }
}
