package dev.refarch.realtime.cli;

/**
 * What seeding or resetting did to one Reviews row, as the line the CLI prints.
 *
 * @param reaction the row's key
 * @param action what happened to it
 * @param previousCount the row's {@code count} before, as DynamoDB's number text; null when
 *     the row was created or had no count
 */
public record RowOutcome(String reaction, Action action, String previousCount) {

    /** What happened to a row. */
    public enum Action {
        /** The row was missing and now holds the initial item. */
        CREATED,
        /** The row existed and was left as it was. */
        KEPT,
        /** The row existed; its count is now 0, the leaderboard entry kept. */
        RESET,
        /** The row existed; its count and leaderboard entry are now cleared. */
        RESET_ALL
    }

    /** For example {@code created LOVE}, {@code kept LIKE (count 12)}, {@code reset MEH (count 3 -> 0)}. */
    public String line() {
        String count = previousCount == null ? "no count" : "count " + previousCount;
        return switch (action) {
            case CREATED -> "created " + reaction;
            case KEPT -> "kept " + reaction + " (" + count + ")";
            case RESET -> "reset " + reaction + " (" + count + " -> 0)";
            case RESET_ALL -> "reset " + reaction + " (" + count + " -> 0, leaderboard cleared)";
        };
    }
}
