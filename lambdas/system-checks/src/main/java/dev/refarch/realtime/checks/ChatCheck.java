package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@value #NAME}: a message sent with the API key (author {@link CheckSettings#author()}, text naming
 * this run) reaches the viewer and a second connection; an invalid one (a control character) is
 * refused with {@code InvalidMessage} and reaches neither. Proves the chat resolver (NONE data source),
 * its validation, and the fan-out of {@code onMessage} to more than one connection. Viewers see the
 * valid message, marked as the verifier's.
 */
final class ChatCheck {

    static final String NAME = "chat";

    private final SystemEndpoints endpoints;
    private final ApiKeyGraphqlClient api;
    private final CheckSettings settings;
    private final Viewer viewer;

    ChatCheck(SystemEndpoints endpoints, ApiKeyGraphqlClient api, CheckSettings settings, Viewer viewer) {
        this.endpoints = endpoints;
        this.api = api;
        this.settings = settings;
        this.viewer = viewer;
    }

    CheckResult run() {
        long start = System.nanoTime();
        String run = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36);
        String text = settings.author() + " " + run + ": chat round trip";
        String expected = "the message '" + text + "' on both connections within "
                + Timing.seconds(settings.eventTimeout()) + "; then an invalid one refused (InvalidMessage) and on"
                + " neither for " + Timing.seconds(settings.quietPeriod());
        try (RealtimeConnection second = RealtimeConnection.open(endpoints.realtimeUrl(), endpoints.graphqlUrl(),
                endpoints.apiKey(), HandshakeCheck.TIMEOUT)) {
            RealtimeSubscription other = second.subscribe("onMessage (second connection)",
                    VerifierOperations.ON_MESSAGE, Map.of());
            List<RealtimeSubscription> readers = List.of(viewer.messages(), other);
            int viewerIndex = viewer.messages().size();
            GraphqlResponse sent = api.execute(VerifierOperations.SEND_MESSAGE,
                    Map.of("author", settings.author(), "text", text));
            if (!sent.succeeded()) {
                return CheckResult.fail(NAME, Timing.since(start), expected, "sendMessage: " + sent.describe(),
                        VoteAndReviewCheck.apiCause(sent));
            }
            String id = sent.data().path("sendMessage").path("id").asText();
            int[] from = {viewerIndex, 0};
            for (int i = 0; i < readers.size(); i++) {
                RealtimeEvent got = readers.get(i).awaitFirst(from[i], m -> id.equals(m.path("id").asText()),
                        settings.eventTimeout());
                if (got == null) {
                    return CheckResult.fail(NAME, Timing.since(start), expected, "sendMessage answered id " + id
                                    + ", but " + readers.get(i).name() + " got " + mine(readers.get(i), from[i], run),
                            "the message was accepted but not broadcast to every subscriber: the onMessage subscription"
                                    + " (@aws_subscribe on sendMessage) or AppSync's real-time fan-out");
                }
                if (!settings.author().equals(got.value().path("author").asText())
                        || !text.equals(got.value().path("text").asText())) {
                    return CheckResult.fail(NAME, Timing.since(start), expected, "received " + got.value(),
                            "subscribers get other fields than the sender selected: not this version's chat resolver");
                }
            }
            int[] quietFrom = {viewer.messages().size(), other.size()};
            GraphqlResponse invalid = api.execute(VerifierOperations.SEND_MESSAGE,
                    Map.of("author", settings.author(), "text", settings.author() + " " + run + ": \u0007 must be refused"));
            if (!invalid.hasErrorType("InvalidMessage")) {
                return CheckResult.fail(NAME, Timing.since(start), expected, "the invalid message: " + invalid.describe(),
                        invalid.succeeded() ? "the chat resolver accepts control characters: it is not this version's"
                                + " Mutation.sendMessage.request.vtl" : VoteAndReviewCheck.apiCause(invalid));
            }
            long quietStart = System.nanoTime();
            for (int i = 0; i < readers.size(); i++) {
                RealtimeEvent leaked = readers.get(i).awaitFirst(quietFrom[i], m -> m.path("text").asText()
                        .contains(run), Timing.left(quietStart, settings.quietPeriod()));
                if (leaked != null) {
                    return CheckResult.fail(NAME, Timing.since(start), expected, "InvalidMessage, yet "
                                    + readers.get(i).name() + " received " + leaked.value(),
                            "the resolver refused the message but AppSync broadcast it: the request template must"
                                    + " raise the error before the NONE data source returns a payload");
                }
            }
            return CheckResult.pass(NAME, Timing.since(start), "'" + text + "' reached both connections; the invalid"
                    + " message was refused (InvalidMessage) and reached neither");
        } catch (RealtimeException e) {
            return CheckResult.fail(NAME, Timing.since(start), expected, "a second connection: " + e.getMessage(),
                    HandshakeCheck.cause(e));
        } catch (UncheckedIOException e) {
            return CheckResult.fail(NAME, Timing.since(start), expected, e.getMessage(),
                    "the GraphQL endpoint cannot be reached: check the GraphqlUrl and the network");
        }
    }

    /** What of this run reached a subscriber, for a failure line. */
    private static String mine(RealtimeSubscription subscription, int index, String run) {
        List<JsonNode> ours = subscription.since(index).stream().map(RealtimeEvent::value)
                .filter(m -> m.path("text").asText().contains(run)).toList();
        return ours.isEmpty() ? "nothing of it within the time" : ours.toString();
    }
}
