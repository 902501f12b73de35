package dev.refarch.realtime.graphql;

import java.util.List;

/**
 * The item shapes the resolvers read and write. The CDK stack, the seeding task and the
 * functions that write the tables use these names, so the VTL templates and Java agree.
 */
public final class TableContract {

    private TableContract() {
    }

    /** One row per reaction: the live count for the current movie and the leaderboard entry. */
    public static final class Reviews {
        /** Partition key (String): the reaction name. */
        public static final String REACTION = "reaction";
        /** The movie the count belongs to; the vote resolver only counts votes for it. */
        public static final String MOVIE_ID = "movieId";
        public static final String COUNT = "count";
        public static final String TOP_MOVIE_ID = "topMovieId";
        public static final String TOP_MOVIE_TITLE = "topMovieTitle";
        public static final String TOP_COUNT = "topCount";
        /**
         * The rotation number that last moved the row (Number; absent before the first fenced
         * move). A move for a lower number changes nothing.
         */
        public static final String ROTATION = "rotation";
        /**
         * Number, grows by one with every write to the row (vote or move), in that write: the
         * broadcaster forwards it so clients keep the newest state.
         */
        public static final String VERSION = "version";
        /** The {@code Reaction} enum of the schema, in its order. */
        public static final List<String> REACTIONS = List.of("LOVE", "LIKE", "MEH", "UNKNOWN", "HATE");

        private Reviews() {
        }
    }

    /** The current movie lives under one well-known key. */
    public static final class Movies {
        /** Partition key (String). */
        public static final String PK = "pk";
        /**
         * The rotation number (Number, only grows): on {@code CURRENT} the rotation that made it
         * current (written by {@code setCurrentMovie}, which refuses a lower one), on
         * {@code CATALOG} the last rotation started, on {@code PENDING} the rotation in progress.
         */
        public static final String ROTATION = "rotation";
        /** Key of the current movie's item. */
        public static final String CURRENT = "CURRENT";
        /**
         * Key of the rotator's catalog: the fetched page of popular movies not shown yet
         * ({@code movies}, a list), guarded by an optimistic {@code version}.
         */
        public static final String CATALOG = "CATALOG";
        /**
         * Key of a rotation in progress ({@code to}: the next movie, {@code from}: the movie it
         * replaces); present from the choice of the movie until the broadcast went out.
         */
        public static final String PENDING = "PENDING";

        private Movies() {
        }
    }

    /** The latest tick of each symbol; the {@code publishTick} resolver writes it conditionally. */
    public static final class Ticks {
        /** Partition key (String): the tick's symbol. */
        public static final String SYMBOL = "symbol";
        /** Number: only a tick with a higher sequence replaces the stored one. */
        public static final String SEQUENCE = "sequence";
        /** A fresh id per write, so no write ever equals the stored item (see the resolver). */
        public static final String WRITE_ID = "writeId";

        private Ticks() {
        }
    }
}
