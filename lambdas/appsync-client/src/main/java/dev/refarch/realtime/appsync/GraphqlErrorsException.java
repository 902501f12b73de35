package dev.refarch.realtime.appsync;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * AppSync answered, but with GraphQL {@code errors}: the request reached the resolvers (or
 * failed validation/authorization) and retrying it unchanged would give the same answer.
 */
public final class GraphqlErrorsException extends AppSyncException {

    private final transient List<GraphqlError> errors;
    private final transient JsonNode data;

    /** Creates the exception for the given errors and whatever partial {@code data} came with them. */
    public GraphqlErrorsException(List<GraphqlError> errors, JsonNode data) {
        super("GraphQL errors: " + errors, null);
        this.errors = List.copyOf(errors);
        this.data = data;
    }

    /** The errors, in response order. */
    public List<GraphqlError> errors() {
        return errors;
    }

    /** Partial data returned alongside the errors; may be null or a JSON null. */
    public JsonNode data() {
        return data;
    }

    /** Whether any error has this AppSync {@code errorType}. */
    public boolean hasErrorType(String errorType) {
        return errors.stream().anyMatch(e -> errorType.equals(e.errorType()));
    }
}
