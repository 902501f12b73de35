package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.appsync.GraphqlError;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One answer of the public GraphQL endpoint.
 *
 * @param status the HTTP status
 * @param data   {@code data} (a missing node when absent)
 * @param errors {@code errors}, in order (an answer that is not GraphQL JSON becomes one error of type
 *               {@code HTTP <status>})
 */
public record GraphqlResponse(int status, JsonNode data, List<GraphqlError> errors) {

    public GraphqlResponse {
        errors = List.copyOf(errors);
    }

    /** Status 200 and no errors. */
    public boolean succeeded() {
        return status == 200 && errors.isEmpty();
    }

    /** Whether an error has this type. */
    public boolean hasErrorType(String type) {
        return errors.stream().anyMatch(e -> type.equals(e.errorType()));
    }

    /** Whether the API key was refused (AppSync answers 401 {@code UnauthorizedException}). */
    public boolean unauthorized() {
        return status == 401 || status == 403 || errors.stream().anyMatch(e -> e.errorType() != null
                && e.errorType().startsWith("Unauthorized"));
    }

    /** {@code HTTP 200, errors [InvalidMessage: ...]}, for a report line. */
    public String describe() {
        return "HTTP " + status + (errors.isEmpty() ? ", data " + data
                : ", errors " + errors.stream().map(GraphqlError::toString).collect(Collectors.joining("; ", "[", "]")));
    }
}
