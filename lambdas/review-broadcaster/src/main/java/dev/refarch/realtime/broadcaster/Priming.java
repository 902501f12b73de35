package dev.refarch.realtime.broadcaster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.BackendMutations;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart priming, once before the snapshot, with no network call: parses a stream event,
 * folds it and serializes a broadcast request and a partial batch response with Jackson, so the
 * first real batch after a restore finds those classes loaded and their code warm.
 */
final class Priming implements Resource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENT = """
            {"Records":[{"eventName":"MODIFY","dynamodb":{"SequenceNumber":"1","NewImage":{
              "reaction":{"S":"LOVE"},"movieId":{"S":"0"},"count":{"N":"1"},"topCount":{"N":"0"},
              "version":{"N":"1"}}}}]}""";

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws Exception {
        ReviewStreamEvent event = ReviewStreamEvent.of(JSON.readTree(EVENT));
        List<ReviewState> rows = ReviewBroadcaster.newestPerRow(event.changes());
        JSON.writeValueAsBytes(Map.of("query", BackendMutations.PUBLISH_REVIEW.operation(rows.size()),
                "variables", Map.of(BackendMutations.PUBLISH_REVIEW.variable(0), rows.get(0))));
        JSON.writeValueAsBytes(BroadcastResult.retryFrom("1"));
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: credentials are resolved per request; the pacer starts empty.
    }
}
