package dev.refarch.realtime.rotator;

import dev.refarch.realtime.rotator.TmdbKeySource.SecretUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rotation per call: finish a pending rotation, or take the next movie from the catalog
 * (refilled from TMDb's popular movies when empty; from the {@link ShippedCatalog} while the TMDb
 * secret holds no key, left for TMDb's as soon as one is set), record the intent, move the Reviews rows,
 * broadcast, clear the intent. TMDb and secret problems leave everything as it was and
 * return normally, so the next tick tries again; DynamoDB and AppSync failures after the
 * intent is recorded throw, and the next tick resumes the same rotation, up to
 * {@link #MAX_ATTEMPTS} attempts; the tick after that abandons it and starts a fresh one.
 * Every attempt first reports how long the movie on screen has been current
 * ({@link RotatorMetrics#CURRENT_MOVIE_AGE}).
 *
 * <p>Each rotation carries its number into every write (see {@link Catalog}): an invocation
 * that finds a newer rotation got there first stops and changes nothing
 * ({@code stale-rotation}); one that finds its rotation already completed reports success.
 */
public final class MovieRotator {

    /** TMDb serves at most this many pages of a list. */
    static final int MAX_TMDB_PAGE = 500;
    /** Attempts at one pending rotation before it is abandoned. */
    public static final int MAX_ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(MovieRotator.class);

    private final Catalog catalog;
    private final TmdbClient tmdb;
    private final TmdbKeySource keys;
    private final ShippedCatalog shipped;
    private final ReviewRowMover rows;
    private final RotationBroadcast broadcast;
    private final RotatorMetrics metrics;
    private final IntUnaryOperator randomPage;
    private final Clock clock;

    /**
     * @param randomPage given n >= 1, a page in 1..n (random in production)
     * @param clock      reads the time the current movie's age is measured at
     */
    public MovieRotator(Catalog catalog, TmdbClient tmdb, TmdbKeySource keys, ShippedCatalog shipped,
            ReviewRowMover rows, RotationBroadcast broadcast, RotatorMetrics metrics, IntUnaryOperator randomPage,
            Clock clock) {
        this.catalog = catalog;
        this.tmdb = tmdb;
        this.keys = keys;
        this.shipped = shipped;
        this.rows = rows;
        this.broadcast = broadcast;
        this.metrics = metrics;
        this.randomPage = randomPage;
        this.clock = clock;
    }

    /** Runs one rotation within {@code timeLeft}. */
    public RotationResult rotate(Supplier<Duration> timeLeft) {
        Optional<Catalog.Pending> pending = catalog.pending();
        Catalog.Pending rotation = null;
        if (pending.isPresent()) {
            // PENDING does not say when the movie on screen became current, nor whether its broadcast
            // landed: one read of CURRENT, on this path only (a rotation left pending by a failure).
            reportAge(catalog.currentShowing());
            Catalog.Pending interrupted = pending.get();
            OptionalInt attempts = catalog.recordAttempt(interrupted);
            if (attempts.isEmpty()) {
                LOG.warn("Rotation {} was completed by another invocation meanwhile; this tick changes nothing",
                        interrupted.rotation());
                metrics.count(RotatorMetrics.ROTATION_CONFLICTS);
                return RotationResult.skipped("conflict");
            }
            if (attempts.getAsInt() > MAX_ATTEMPTS) {
                if (catalog.abandonRotation(interrupted)) {
                    LOG.error("Abandoned rotation {} to movie {} ({}) after {} failed attempts; starting a fresh "
                            + "rotation. The movie's rows stay moved to it until the fresh rotation moves them on.",
                            interrupted.rotation(), interrupted.to().id(), interrupted.to().title(), MAX_ATTEMPTS);
                    metrics.count(RotatorMetrics.ABANDONED_ROTATIONS);
                }
            } else {
                rotation = new Catalog.Pending(interrupted.to(), interrupted.from(), interrupted.rotation(),
                        attempts.getAsInt());
                LOG.warn("Resuming the interrupted rotation {} to movie {} ({}), attempt {} of {}", rotation.rotation(),
                        rotation.to().id(), rotation.to().title(), rotation.attempts(), MAX_ATTEMPTS);
                metrics.count(RotatorMetrics.RESUMED_ROTATIONS);
            }
        }
        if (rotation == null) {
            Optional<Catalog.Current> showing = catalog.currentShowing();
            if (pending.isEmpty()) {
                reportAge(showing);
            }
            Optional<Movie> current = showing.map(Catalog.Current::movie);
            Catalog.State state = catalog.state();
            List<Movie> available = new ArrayList<>(state.movies());
            current.ifPresent(c -> available.removeIf(m -> m.id().equals(c.id())));
            int totalPages = state.totalPages();
            if (ShippedCatalog.isShipped(state) && keyIsSet()) {
                // A key was put in since the shipped films were taken: TMDb's from this rotation on.
                LOG.info("A TMDb key is set: leaving the shipped catalog for TMDb's popular movies");
                available.clear();
                totalPages = 0;
            }
            if (available.isEmpty()) {
                FetchOutcome fetched = fetch(totalPages, current);
                if (fetched.failure != null) {
                    return RotationResult.skipped(fetched.failure);
                }
                available.addAll(fetched.page.movies());
                current.ifPresent(c -> available.removeIf(m -> m.id().equals(c.id())));
                totalPages = fetched.page.totalPages();
                if (available.isEmpty()) {
                    LOG.error("TMDb popular page {} held only the current movie; nothing changed",
                            fetched.page.page());
                    metrics.count(RotatorMetrics.TMDB_FAILURES, "Kind", TmdbException.Kind.EMPTY.name());
                    return RotationResult.skipped("tmdb-empty");
                }
            }
            // One more than any rotation seen, so it stays above the current movie's even if the
            // catalog item was deleted by hand.
            long number = Math.max(state.rotation(), showing.map(Catalog.Current::rotation).orElse(0L)) + 1;
            rotation = new Catalog.Pending(available.get(0), current, number);
            if (!catalog.startRotation(state, available.subList(1, available.size()), totalPages, rotation)) {
                LOG.warn("Another rotation changed the catalog or is in progress; this tick changes nothing");
                metrics.count(RotatorMetrics.ROTATION_CONFLICTS);
                return RotationResult.skipped("conflict");
            }
        }
        List<RowMove> moves;
        try {
            moves = rows.moveAll(rotation.from(), rotation.to(), rotation.rotation());
            broadcast.send(rotation.to(), rotation.rotation(), timeLeft);
        } catch (StaleRotationException e) {
            LOG.warn("Rotation {} is stale, a newer one got there first; this invocation changes nothing more: {}",
                    rotation.rotation(), e.getMessage());
            metrics.count(RotatorMetrics.STALE_ROTATIONS);
            return RotationResult.skipped("stale-rotation");
        }
        if (catalog.finishRotation(rotation)) {
            metrics.count(RotatorMetrics.ROTATIONS);
        } else {
            LOG.info("Rotation {} was already completed by another invocation; nothing left to do",
                    rotation.rotation());
        }
        LOG.info("Movie {} ({}) is current (rotation {}), replacing {}; final counts of the previous showing: {}",
                rotation.to().id(), rotation.to().title(), rotation.rotation(),
                rotation.from().map(Movie::id).orElse("none"),
                moves.stream().map(m -> m.row().reaction() + "=" + (m.finalCount().isPresent()
                        ? Long.toString(m.finalCount().getAsLong()) : "moved-earlier")
                        + (m.newRecord() ? "(record)" : "")).toList());
        return RotationResult.rotated(rotation.to(), moves);
    }

    /**
     * The age of the movie on screen as this attempt starts, before anything can fail, so a failed or
     * throwing attempt reports it too. Nothing before the first movie, or for one stored without a start.
     */
    private void reportAge(Optional<Catalog.Current> showing) {
        showing.flatMap(c -> c.onScreenFor(clock.instant()))
                .ifPresent(age -> metrics.seconds(RotatorMetrics.CURRENT_MOVIE_AGE, Math.max(0, age.toSeconds())));
    }

    private record FetchOutcome(PopularPage page, String failure) {
    }

    /** Whether the secret holds a key now (not cached while missing); unreadable counts as not set. */
    private boolean keyIsSet() {
        try {
            return keys.key().isPresent();
        } catch (SecretUnavailableException e) {
            LOG.warn("Cannot read the TMDb key; staying on the shipped catalog. Cause: {}", e.getMessage());
            metrics.count(RotatorMetrics.SECRET_FAILURES);
            return false;
        }
    }

    private FetchOutcome fetch(int knownTotalPages, Optional<Movie> current) {
        Optional<TmdbApiKey> key;
        try {
            key = keys.key();
        } catch (SecretUnavailableException e) {
            LOG.error("Cannot read the TMDb key; the current movie stays. Cause: {}", e.getMessage());
            metrics.count(RotatorMetrics.SECRET_FAILURES);
            return new FetchOutcome(null, "secret-unavailable");
        }
        if (key.isEmpty()) {
            PopularPage films = shipped.page();
            LOG.warn("No TMDb API key in secret {}: rotating through the {} films shipped with the project until "
                    + "one is set. Set it with: aws secretsmanager put-secret-value --secret-id {} --secret-string "
                    + "'{\"{}\":\"<TMDb API key or read access token>\"}'", keys.secretArn(), films.movies().size(),
                    keys.secretArn(), TmdbKeySource.FIELD);
            metrics.count(RotatorMetrics.TMDB_KEY_MISSING);
            return new FetchOutcome(films, null);
        }
        // Page 1 until TMDb told us how many pages there are; then a random one, as the original did.
        int page = knownTotalPages < 1 ? 1 : randomPage.applyAsInt(Math.min(knownTotalPages, MAX_TMDB_PAGE));
        try {
            try {
                return new FetchOutcome(tmdb.popular(page, key.get()), null);
            } catch (TmdbException e) {
                if (e.kind() != TmdbException.Kind.UNAUTHORIZED) {
                    throw e;
                }
                // The secret may have been rotated since it was cached: re-read it once.
                keys.invalidate();
                Optional<TmdbApiKey> fresh = keys.key();
                if (fresh.isEmpty() || fresh.get().equals(key.get())) {
                    throw e;
                }
                return new FetchOutcome(tmdb.popular(page, fresh.get()), null);
            }
        } catch (TmdbException e) {
            LOG.error("TMDb popular movies unavailable, the current movie{} stays: {}",
                    current.map(c -> " " + c.id()).orElse(""), e.getMessage());
            metrics.count(RotatorMetrics.TMDB_FAILURES, "Kind", e.kind().name());
            return new FetchOutcome(null, "tmdb-" + e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        } catch (SecretUnavailableException e) {
            LOG.error("Cannot re-read the TMDb key after a 401; the current movie stays. Cause: {}", e.getMessage());
            metrics.count(RotatorMetrics.SECRET_FAILURES);
            return new FetchOutcome(null, "secret-unavailable");
        }
    }
}
