package dev.refarch.realtime.infra.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.TestApps;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * The {@code mutationsPerRequest} context key reaches every backend publisher's environment: the
 * rotator's and the review broadcaster's {@code MUTATIONS_PER_REQUEST}, the consumer's
 * {@code MAX_TICKS_PER_REQUEST}; today's batching (25) when it is not set.
 */
class MutationsPerRequestTest {

    /** Handler to the value each publisher reads, over every stack of the app with {@code context}. */
    private static Map<String, String> perRequest(Map<String, Object> context) {
        Map<String, String> values = new TreeMap<>();
        for (CloudFormationStackArtifact artifact : TestApps.app(context).synth().getStacks()) {
            CfnModel stack = CfnModel.of(artifact);
            for (String id : stack.ofType("AWS::Lambda::Function")) {
                String handler = stack.properties(id).path("Handler").asText();
                JsonNode env = stack.properties(id).at("/Environment/Variables");
                String variable = handler.equals(Functions.TICK_CONSUMER.handler()) ? "MAX_TICKS_PER_REQUEST"
                        : "MUTATIONS_PER_REQUEST";
                if (handler.equals(Functions.MOVIE_ROTATOR.handler())
                        || handler.equals(Functions.REVIEW_BROADCASTER.handler())
                        || handler.equals(Functions.TICK_CONSUMER.handler())) {
                    values.put(handler, env.path(variable).asText());
                }
            }
        }
        return values;
    }

    @Test
    void oneMutationPerRequestReachesTheRotatorTheBroadcasterAndTheConsumer() {
        assertEquals(Map.of(Functions.MOVIE_ROTATOR.handler(), "1", Functions.REVIEW_BROADCASTER.handler(), "1",
                Functions.TICK_CONSUMER.handler(), "1"), perRequest(Map.of("mutationsPerRequest", 1)));
    }

    @Test
    void todaysBatchingIsTheDefault() {
        assertEquals(Map.of(Functions.MOVIE_ROTATOR.handler(), "25", Functions.REVIEW_BROADCASTER.handler(), "25",
                Functions.TICK_CONSUMER.handler(), "25"), perRequest(Map.of()));
    }
}
