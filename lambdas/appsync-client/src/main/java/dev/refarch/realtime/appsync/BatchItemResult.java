package dev.refarch.realtime.appsync;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What happened to one item of a batch sent with
 * {@link AppSyncClient#mutateAll(AliasedMutation, List, java.util.function.Supplier)}.
 *
 * @param index   the item's position in the caller's list
 * @param item    the item as given
 * @param data    its aliased field's result when it succeeded, else null
 * @param failure why it failed: a {@link GraphqlErrorsException} with only this item's errors,
 *                or the {@link AppSyncRequestFailedException} of the request that carried it
 * @param <T>     the item type
 */
public record BatchItemResult<T>(int index, T item, JsonNode data, AppSyncException failure) {

    /** Whether AppSync accepted this item. */
    public boolean succeeded() {
        return failure == null;
    }

    /** This item's GraphQL errors; empty when it succeeded or failed for a transport reason. */
    public List<GraphqlError> graphqlErrors() {
        return failure instanceof GraphqlErrorsException e ? e.errors() : List.of();
    }
}
