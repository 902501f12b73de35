package dev.refarch.realtime.broadcaster;

import java.time.Duration;
import java.util.function.Supplier;

/** Decides whether a stream batch broadcasts now, is covered by another broadcast, or must retry. */
public interface BroadcastTurns {

    /** What a batch does. */
    enum Turn {
        /** Broadcast now: read the totals and publish. */
        BROADCAST,
        /** Another broadcast that read the table after this batch's records were written took the turn. */
        COVERED,
        /** The turn would not come before the invocation's deadline: retry the batch. */
        LATE
    }

    /**
     * Waits, within {@code timeLeft}, for this batch's turn.
     *
     * @param timeLeft the invocation's remaining time (minus its margin)
     */
    Turn await(Supplier<Duration> timeLeft) throws InterruptedException;
}
