package dev.refarch.realtime.local;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One part of the local run (a server, a function, a poller) behind the lifecycle the
 * {@link Supervisor} drives: start it, know when it is ready, watch that it stays alive, stop it,
 * and find its log.
 */
public interface Component {

    /** Short name used in the ready line, in errors and as the log file's name. */
    String name();

    /** Starts the component and returns once it serves; throws if it cannot. */
    void start() throws Exception;

    /** What the ready line says after the name (e.g. its URL). */
    String readyDetail();

    /** Why the component is no longer working, or empty while it is. Polled after start. */
    Optional<String> failure();

    /** Stops it and frees its ports; safe to call more than once and after a failed start. */
    void stop();

    /** Its log file, inside the run's log folder. */
    Path log();
}
