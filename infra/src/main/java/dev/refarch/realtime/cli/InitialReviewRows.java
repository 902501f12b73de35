package dev.refarch.realtime.cli;

import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The one definition of a freshly seeded Reviews row: no votes and an empty leaderboard
 * entry. The seed CLI task writes it, and the API stack's deploy-time seeding reuses it, so
 * both create the same five rows.
 */
public final class InitialReviewRows {

    private InitialReviewRows() {
    }

    /**
     * The item a new row for {@code reaction} starts as: {@code {reaction, count: 0, topCount: 0}}.
     * It has no {@code movieId}: the rotator sets that when it makes the first movie current.
     *
     * @param reaction one of {@link Reviews#REACTIONS}
     * @throws IllegalArgumentException for any other reaction
     */
    public static Map<String, AttributeValue> initialItem(String reaction) {
        if (!Reviews.REACTIONS.contains(reaction)) {
            throw new IllegalArgumentException("not a reaction: " + reaction + "; allowed: " + Reviews.REACTIONS);
        }
        return Map.of(
                Reviews.REACTION, AttributeValue.fromS(reaction),
                Reviews.COUNT, AttributeValue.fromN("0"),
                Reviews.TOP_COUNT, AttributeValue.fromN("0"));
    }
}
