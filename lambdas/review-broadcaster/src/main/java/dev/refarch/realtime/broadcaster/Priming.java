package dev.refarch.realtime.broadcaster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.BackendMutations;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart priming, once before the snapshot, with no network call: parses a stream event with
 * the handler's mapper, folds it, has the AppSync client build, sign (with a throwaway credential)
 * and drop its {@code publishReviews} and {@code publishReview} requests and read a response, and writes a partial batch
 * response, so the first real batch after a restore finds those classes loaded, the mappers'
 * serializers built and their code warm. The function's own credentials are not resolved.
 */
final class Priming implements Resource {

    private static final String EVENT = """
            {"Records":[{"eventName":"MODIFY","dynamodb":{"SequenceNumber":"1","NewImage":{
              "reaction":{"S":"LOVE"},"movieId":{"S":"0"},"count":{"N":"1"},"topCount":{"N":"0"},
              "version":{"N":"1"}}}}]}""";

    private final ObjectMapper json;
    private final AppSyncClient appSync;

    Priming(ObjectMapper json, AppSyncClient appSync) {
        this.json = json;
        this.appSync = appSync;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws Exception {
        ReviewStreamEvent event = ReviewStreamEvent.parse(
                new ByteArrayInputStream(EVENT.getBytes(StandardCharsets.UTF_8)), json);
        List<ReviewState> rows = List.of(event.changes().get(0).row());
        appSync.prime(BackendMutations.PUBLISH_REVIEWS, new ReviewBoard(rows, "2026-01-01T00:00:00Z"));
        appSync.prime(BackendMutations.PUBLISH_REVIEW, rows.get(0));
        json.writeValueAsBytes(BroadcastResult.retryFrom("1"));
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: credentials are resolved per request; the slot is read per batch.
    }
}
