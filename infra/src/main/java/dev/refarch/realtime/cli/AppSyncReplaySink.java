package dev.refarch.realtime.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncRequestFailedException;
import dev.refarch.realtime.appsync.BackendMutations;
import dev.refarch.realtime.appsync.BatchItemResult;
import dev.refarch.realtime.appsync.GraphqlError;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * Publishes replayed ticks through the IAM-signed AppSync client, as aliased {@code publishTick}
 * fields of one request (the consumer's mutation, {@link BackendMutations#PUBLISH_TICK}).
 */
final class AppSyncReplaySink implements ReplaySink {

    /** Each request, its retries included, gets this long. */
    static final Duration REQUEST_BUDGET = Duration.ofSeconds(30);

    private final AppSyncClient appSync;

    AppSyncReplaySink(AppSyncClient appSync) {
        this.appSync = appSync;
    }

    @Override
    public List<Outcome> send(List<ObjectNode> ticks) {
        long end = System.nanoTime() + REQUEST_BUDGET.toNanos();
        List<BatchItemResult<ObjectNode>> results = appSync.mutateAll(BackendMutations.PUBLISH_TICK, ticks,
                () -> Duration.ofNanos(end - System.nanoTime()));
        return results.stream().map(AppSyncReplaySink::outcome).toList();
    }

    private static Outcome outcome(BatchItemResult<ObjectNode> result) {
        if (result.succeeded()) {
            return new Outcome(Kind.PUBLISHED, "");
        }
        if (result.failure() instanceof AppSyncRequestFailedException failed) {
            return new Outcome(Kind.FAILED, failed.reason() + " after " + failed.attempts() + " attempt(s)"
                    + failed.lastStatus().stream().mapToObj(s -> ", HTTP " + s).findFirst().orElse(""));
        }
        List<GraphqlError> errors = result.graphqlErrors();
        TreeSet<String> types = new TreeSet<>();
        errors.forEach(e -> types.add(e.errorType() == null ? "(no type)" : e.errorType()));
        boolean aliased = errors.stream().allMatch(e -> !e.path().isEmpty());
        if (aliased && types.equals(new TreeSet<>(List.of("StaleTick")))) {
            return new Outcome(Kind.ALREADY_DELIVERED, "StaleTick");
        }
        if (aliased && types.contains("InvalidTick")) {
            return new Outcome(Kind.REJECTED, "InvalidTick");
        }
        return new Outcome(Kind.FAILED, "GraphQL errors " + types);
    }
}
