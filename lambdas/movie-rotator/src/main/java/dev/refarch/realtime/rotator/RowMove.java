package dev.refarch.realtime.rotator;

import java.util.OptionalLong;

/**
 * The outcome of moving one Reviews row to the next movie.
 *
 * @param row        the row right after the move (count 0 unless votes for the new movie
 *                   already arrived, in the resume case)
 * @param finalCount the final count of the previous showing, taken atomically with the move;
 *                   empty when this invocation did not move the row itself (an interrupted
 *                   rotation had already moved it)
 * @param newRecord  whether that count beat the leaderboard and became its entry
 * @param attempts   conditional writes it took (more than one when votes raced the move)
 */
public record RowMove(ReviewRow row, OptionalLong finalCount, boolean newRecord, int attempts) {
}
