package dev.refarch.realtime.checks;

import java.time.Duration;

/**
 * {@value #NAME}: a new movie reaches the viewer's {@code onCurrentMovie} within two rotations (and a
 * margin) of its subscription. Proves the rotation schedule, the rotator and its IAM
 * {@code setCurrentMovie} broadcast. It runs last and counts from the handshake, so the other checks'
 * time is not added to the run.
 */
final class MovieRotationCheck {

    static final String NAME = "movie-rotation";

    private final CheckSettings settings;
    private final Viewer viewer;

    MovieRotationCheck(CheckSettings settings, Viewer viewer) {
        this.settings = settings;
        this.viewer = viewer;
    }

    CheckResult run() {
        long deadline = viewer.subscribedAt() + settings.rotationDeadline().toNanos();
        String expected = "a new movie on onCurrentMovie within " + Timing.seconds(settings.rotationDeadline())
                + " of subscribing (two rotations of " + Timing.seconds(settings.rotation()) + " plus "
                + Timing.seconds(settings.rotationMargin()) + ")";
        RealtimeEvent movie = viewer.movies().awaitFirst(0, m -> m.hasNonNull("id"),
                Timing.left(viewer.subscribedAt(), settings.rotationDeadline()));
        if (movie == null || movie.receivedNanos() > deadline) {
            // The window watched, not how long the earlier checks ran before this one looked.
            return CheckResult.fail(NAME, settings.rotationDeadline(), expected,
                    movie == null ? "no movie" : "the first one after " + Timing.seconds(
                            Duration.ofNanos(movie.receivedNanos() - viewer.subscribedAt())),
                    "the rotation schedule does not run, or the rotator fails or cannot call setCurrentMovie (the"
                            + " RotationsStopped alarm, the state machine's executions, the rotator's logs); if"
                            + " ticks-aliased failed too, -c mutationsPerRequest=1");
        }
        Duration after = Duration.ofNanos(movie.receivedNanos() - viewer.subscribedAt());
        return CheckResult.pass(NAME, after, "'" + movie.value().path("title").asText() + "' (rotation "
                + movie.value().path("rotation").asText() + ") arrived " + Timing.seconds(after) + " after subscribing");
    }
}
