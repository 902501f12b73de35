package dev.refarch.realtime.graphql;

import java.util.List;

/**
 * The item shapes the resolvers read and write. The CDK stack, the seeding task and the
 * functions that write the tables use these names, so the VTL templates and Java agree.
 */
public final class TableContract {

    private TableContract() {
    }

    /**
     * Each reaction's count spread over {@code voteShards} items ({@link #shardKey}); shard 0 is keyed by
     * the reaction alone and also holds the leaderboard entry, so one shard is the layout of one row per
     * reaction. A vote adds to one shard; the rotator moves every shard; a reaction's total is the sum
     * of its shards that the newest rotation moved ({@code Query.reviews}, the review broadcaster).
     */
    public static final class Reviews {
        /** Partition key (String): the reaction name for shard 0, {@code <reaction>#<shard>} for the others. */
        public static final String REACTION = "reaction";
        /** Between a reaction and its shard number in a shard's key. */
        public static final String SHARD_SEPARATOR = "#";
        /** The AppSync environment variable holding {@code voteShards}, read by the vote resolver. */
        public static final String VOTE_SHARDS_VARIABLE = "VOTE_SHARDS";
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
        /**
         * On every shard, written by the move that took its final count: the movie that count belongs to
         * and the count (Number), so a resumed rotation knows the final counts of shards it moved before.
         */
        public static final String PREVIOUS_MOVIE_ID = "previousMovieId";
        public static final String PREVIOUS_COUNT = "previousCount";
        /**
         * On shard 0: the rotation that last wrote the leaderboard entry (Number). A leaderboard write of
         * a lower rotation changes nothing.
         */
        public static final String TOP_ROTATION = "topRotation";
        /** The {@code Reaction} enum of the schema, in its order. */
        public static final List<String> REACTIONS = List.of("LOVE", "LIKE", "MEH", "UNKNOWN", "HATE");

        private Reviews() {
        }

        /** The key of a reaction's shard: the reaction itself for shard 0, {@code LOVE#3} for shard 3. */
        public static String shardKey(String reaction, int shard) {
            if (shard < 0) {
                throw new IllegalArgumentException("shard " + shard + " is negative");
            }
            return shard == 0 ? reaction : reaction + SHARD_SEPARATOR + shard;
        }

        /** The reaction of a shard key ({@code LOVE#3} gives {@code LOVE}). */
        public static String reactionOf(String key) {
            int separator = key.indexOf(SHARD_SEPARATOR);
            return separator < 0 ? key : key.substring(0, separator);
        }

        /** The shard number of a shard key ({@code LOVE#3} gives 3, {@code LOVE} 0), or -1 if not a number. */
        public static int shardOf(String key) {
            int separator = key.indexOf(SHARD_SEPARATOR);
            if (separator < 0) {
                return 0;
            }
            try {
                return Integer.parseInt(key.substring(separator + 1));
            } catch (NumberFormatException e) {
                return -1;
            }
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
        /**
         * Key of the review broadcaster's slot: {@code slot} (Number, grows by one per broadcast) and
         * {@code slotAt} (Number, epoch milliseconds of the broadcast that took it). Whichever stream batch
         * takes the next slot, at least {@code reviewBroadcastMillis} after the last, broadcasts; the
         * others are covered by it. In this table because it has no stream: a slot write must not
         * trigger the broadcaster.
         */
        public static final String BROADCAST_SLOT = "BROADCAST_SLOT";
        public static final String SLOT = "slot";
        public static final String SLOT_AT = "slotAt";

        private Movies() {
        }
    }

    /** The latest tick of each symbol; the {@code publishTick} resolver writes it conditionally. */
    public static final class Ticks {
        /** Partition key (String): the tick's symbol. */
        public static final String SYMBOL = "symbol";
        /** Number: only a tick with a higher sequence replaces the stored one. */
        public static final String SEQUENCE = "sequence";
        /**
         * Number, only on a tick that carried one: the producer's previous sequence of the symbol, which
         * {@code latestTicks} answers so a reconnecting page can tell whether it missed ticks.
         */
        public static final String PREVIOUS_SEQUENCE = "previousSequence";
        /** A fresh id per write, so no write ever equals the stored item (see the resolver). */
        public static final String WRITE_ID = "writeId";

        private Ticks() {
        }
    }
}
