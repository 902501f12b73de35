package dev.refarch.realtime.checks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a batch of ticks reached a subscriber whole and in order, judged from the sequences it
 * received (those of other batches already left out).
 *
 * @param verdict  what came
 * @param expected the batch's sequences, in publishing order
 * @param received the sequences that came, in arrival order
 */
record TickArrival(Verdict verdict, List<Long> expected, List<Long> received) {

    /** What the subscriber got. */
    enum Verdict {
        /** Every tick, once, in order. */
        IN_ORDER,
        /** Nothing at all. */
        NONE,
        /** Some ticks, not all. */
        PARTIAL,
        /** A tick more than once. */
        DUPLICATED,
        /** Every tick once, in another order. */
        OUT_OF_ORDER
    }

    static TickArrival judge(List<Long> expected, List<Long> received) {
        Verdict verdict;
        if (received.isEmpty()) {
            verdict = Verdict.NONE;
        } else if (new HashSet<>(received).size() < received.size()) {
            verdict = Verdict.DUPLICATED;
        } else if (!new HashSet<>(received).containsAll(expected)) {
            verdict = Verdict.PARTIAL;
        } else {
            verdict = received.equals(expected) ? Verdict.IN_ORDER : Verdict.OUT_OF_ORDER;
        }
        return new TickArrival(verdict, List.copyOf(expected), List.copyOf(received));
    }

    /** The expected sequences that did not come. */
    List<Long> missing() {
        List<Long> missing = new ArrayList<>(expected);
        Set<Long> seen = new HashSet<>(received);
        missing.removeIf(seen::contains);
        return missing;
    }

    /** What came, sequences written relative to the batch's first ({@code [1767000000000, +1, +2]}) to keep a line short. */
    String describeReceived() {
        return received.isEmpty() ? "no onTick event" : received.size() + " onTick event(s), sequences "
                + relative(received);
    }

    String describeExpected() {
        return expected.size() + " onTick events, sequences " + relative(expected) + ", each once, in that order";
    }

    private String relative(List<Long> sequences) {
        long base = expected.get(0);
        List<String> parts = new ArrayList<>();
        for (long s : sequences) {
            parts.add(s == base ? Long.toString(s) : (s > base ? "+" : "") + (s - base));
        }
        return "[" + String.join(", ", parts) + "]";
    }
}
