package dev.refarch.realtime.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Where {@code ticks replay} sends ticks: the {@code publishTick} mutation. */
interface ReplaySink {

    /** What became of one tick. */
    enum Kind {
        /** Stored and broadcast. */
        PUBLISHED,
        /** {@code StaleTick}: its symbol already has this or a newer tick; nothing to do. */
        ALREADY_DELIVERED,
        /** {@code InvalidTick}: the resolver refuses it, as the consumer would have. */
        REJECTED,
        /** Not known to be delivered: the replay stops here. */
        FAILED
    }

    /** One tick's outcome and a short reason (error types, status), never the tick's value. */
    record Outcome(Kind kind, String detail) {
    }

    /** Sends the ticks, in order, as one request; one outcome per tick, in order. */
    List<Outcome> send(List<ObjectNode> ticks);
}
