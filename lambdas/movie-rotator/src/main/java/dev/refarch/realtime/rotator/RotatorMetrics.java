package dev.refarch.realtime.rotator;

/** The counters and the one age the rotator emits; {@link PowertoolsMetrics} sends them as CloudWatch EMF. */
public interface RotatorMetrics {

    /** A rotation finished: the new movie is current and broadcast. */
    String ROTATIONS = "Rotations";
    /** TMDb gave no usable page; dimension {@code Kind} (see {@link TmdbException.Kind}). */
    String TMDB_FAILURES = "TmdbFailures";
    /** The secret holds no TMDb key. */
    String TMDB_KEY_MISSING = "TmdbKeyMissing";
    /** Secrets Manager could not be read. */
    String SECRET_FAILURES = "SecretFailures";
    /** Another rotation held the catalog or the pending slot. */
    String ROTATION_CONFLICTS = "RotationConflicts";
    /** A row move had to be retried because a vote raced it. */
    String ROW_MOVE_RETRIES = "RowMoveRetries";
    /** A rotation left pending by an earlier invocation was resumed. */
    String RESUMED_ROTATIONS = "ResumedRotations";
    /** A pending rotation failed {@link MovieRotator#MAX_ATTEMPTS} times and was dropped. */
    String ABANDONED_ROTATIONS = "AbandonedRotations";
    /** An invocation found a newer rotation had got there first, and stopped. */
    String STALE_ROTATIONS = "StaleRotations";

    /**
     * Seconds the movie on screen when a rotation attempt starts has been current (every attempt, whatever its
     * outcome; none before the first movie): about {@code rotationSeconds} while rotations succeed, growing while
     * they fail.
     */
    String CURRENT_MOVIE_AGE = "CurrentMovieAgeSeconds";

    /** Counts one occurrence. */
    void count(String metric);

    /** Counts one occurrence with one dimension. */
    void count(String metric, String dimension, String value);

    /** Records one value in seconds. */
    void seconds(String metric, long seconds);
}
