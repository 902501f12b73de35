package dev.refarch.realtime.appsync;

import java.util.List;

/**
 * One entry of a GraphQL response's {@code errors}.
 *
 * @param errorType AppSync's error type (e.g. {@code MovieNotCurrent}, {@code Unauthorized}); null when absent
 * @param message   the human-readable message
 * @param path      the response path the error belongs to (field names and list indexes); empty when absent
 */
public record GraphqlError(String errorType, String message, List<Object> path) {

    /** Copies the path so the record stays immutable. */
    public GraphqlError {
        path = path == null ? List.of() : List.copyOf(path);
    }

    @Override
    public String toString() {
        return (errorType == null ? "" : errorType + ": ") + message + (path.isEmpty() ? "" : " at " + path);
    }
}
