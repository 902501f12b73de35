package dev.refarch.realtime.appsync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.graphql.testing.AppSyncSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendMutationsTest {

    @Test
    void batchedPublishTickFitsTheSchema() {
        AppSyncSchema.assertValid(BackendMutations.PUBLISH_TICK.operation(1));
        AppSyncSchema.assertValid(BackendMutations.PUBLISH_TICK.operation(25));
    }

    @Test
    void batchedChainedPublishTickFitsTheSchema() {
        AppSyncSchema.assertValid(BackendMutations.PUBLISH_TICK_AFTER.operation(1));
        AppSyncSchema.assertValid(BackendMutations.PUBLISH_TICK_AFTER.operation(25));
    }

    /** AppSync gives onTick subscribers only the fields the publishing mutation selected. */
    @Test
    void publishTickSelectsEveryFieldOfTickPreviousSequenceIncluded() {
        java.util.Set<String> fields = AppSyncSchema.schema().getObjectType("Tick").getFieldDefinitions().stream()
                .map(graphql.schema.GraphQLFieldDefinition::getName).collect(java.util.stream.Collectors.toSet());
        assertTrue(fields.contains("previousSequence"), fields.toString());
        for (AliasedMutation mutation : List.of(BackendMutations.PUBLISH_TICK, BackendMutations.PUBLISH_TICK_AFTER)) {
            assertEquals(fields, java.util.Set.of(mutation.selection().split(" ")), mutation.selection());
        }
    }

    @Test
    void batchedPublishReviewFitsTheSchema() {
        AppSyncSchema.assertValid(BackendMutations.PUBLISH_REVIEW.operation(5));
    }

    @Test
    void publishReviewsSentAloneFitsTheSchemaAndSelectsEveryFieldOfTheBoard() {
        String operation = BackendMutations.PUBLISH_REVIEWS.unaliasedOperation();
        AppSyncSchema.assertValid(operation);
        assertTrue(operation.contains("publishedAt") && operation.contains("version"), operation);
    }

    @Test
    void setCurrentMovieFitsTheSchema() {
        AppSyncSchema.assertValid(BackendMutations.SET_CURRENT_MOVIE.operation(1));
    }

    @Test
    void eachMutationSentAloneFitsTheSchema() {
        for (AliasedMutation mutation : List.of(BackendMutations.PUBLISH_TICK, BackendMutations.PUBLISH_TICK_AFTER,
                BackendMutations.PUBLISH_REVIEW, BackendMutations.PUBLISH_REVIEWS,
                BackendMutations.SET_CURRENT_MOVIE)) {
            AppSyncSchema.assertValid(mutation.unaliasedOperation());
            assertFalse(mutation.unaliasedOperation().contains(AliasedMutation.alias(0) + ":"),
                    mutation.unaliasedOperation());
        }
    }

    @Test
    void theSchemaCheckCatchesAWrongInputType() {
        String wrong = new AliasedMutation("publishTick", "tick", "ReviewInput!", "symbol").operation(2);
        assertTrue(!AppSyncSchema.errors(wrong).isEmpty(), wrong);
    }

    @Test
    void namesThatWouldNeedEscapingAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new AliasedMutation("publishTick(x: 1)", "tick", "TickInput!", "symbol"));
        assertThrows(IllegalArgumentException.class,
                () -> new AliasedMutation("publishTick", "tick", "TickInput!", "symbol \"x\""));
    }
}
