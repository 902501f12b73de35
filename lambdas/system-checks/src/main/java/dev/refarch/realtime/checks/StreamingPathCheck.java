package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;

/**
 * {@value #NAME}: a tick produced to the topic reaches the viewer. The check invokes the tick producer
 * (Lambda {@code Invoke}, RequestResponse, on the {@code live} alias the schedule invokes) with a canary
 * event, {@code {"canaryTick": {"symbol": <the canary symbol>, "sequence": <now in ms>}}}: the producer
 * writes exactly that one tick to the topic, keyed by symbol like every tick, and answers where it wrote
 * it. The MSK event source mapping then hands it to the consumer, which publishes it through AppSync;
 * the check waits for it on {@code onTick} of the canary symbol. Proves the whole streaming half:
 * the producer's SCRAM login and the topic, the mapping, the consumer and its IAM {@code publishTick}.
 *
 * <p>Costs one producer invocation (about a second, most of it the Kafka acknowledgement), one consumer
 * invocation and one {@code publishTick}; the tick is the canary symbol's, which no viewer subscribes to.
 */
final class StreamingPathCheck {

    static final String NAME = "streaming-path";
    /** How long the invocation may take, throttled retries included: the producer's timeout (60 s) and a margin. */
    static final Duration INVOKE_BUDGET = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProducerTarget producer;
    private final CheckSettings settings;
    private final Viewer viewer;
    private final Clock clock;
    private final long after;

    /**
     * @param after the highest sequence of the canary symbol the run published so far: the produced tick
     *              must be above it, or the tick resolver would refuse it as stale
     */
    StreamingPathCheck(ProducerTarget producer, CheckSettings settings, Viewer viewer, Clock clock, long after) {
        this.producer = producer;
        this.settings = settings;
        this.viewer = viewer;
        this.clock = clock;
        this.after = after;
    }

    /** The event that makes the producer write one canary tick. */
    static String canaryEvent(String symbol, long sequence) {
        ObjectNode event = JSON.createObjectNode();
        event.putObject("canaryTick").put("symbol", symbol).put("sequence", sequence);
        return event.toString();
    }

    CheckResult run() {
        long start = System.nanoTime();
        long sequence = Math.max(clock.millis(), after + 1);
        String function = producer.functionName() + (producer.qualifier() == null ? "" : ":" + producer.qualifier());
        String expected = "the producer " + function + " writes " + settings.symbol() + " sequence " + sequence
                + " to the topic, and it reaches " + viewer.ticks().name() + " within "
                + Timing.seconds(settings.streamingTimeout());
        int index = viewer.ticks().size();
        LambdaInvoker.Answer answer;
        try {
            answer = new LambdaInvoker(producer).invoke(canaryEvent(settings.symbol(), sequence), INVOKE_BUDGET);
        } catch (UncheckedIOException e) {
            return CheckResult.fail(NAME, Timing.since(start), expected, "no answer from Lambda: " + e.getMessage(),
                    "Lambda's endpoint cannot be reached: check the region and the network (locally, the run's IAM"
                            + " gateway)");
        }
        long invoked = System.nanoTime();
        if (!answer.invoked()) {
            return CheckResult.fail(NAME, Timing.since(start), expected, describe(answer), invokeCause(answer));
        }
        JsonNode written;
        try {
            written = JSON.readTree(answer.body()).path("canaryTick");
        } catch (IOException e) {
            written = JSON.missingNode();
        }
        if (!written.isObject() || written.path("sequence").asLong(-1) != sequence) {
            return CheckResult.fail(NAME, Timing.since(start), expected, "the producer answered " + excerpt(answer.body()),
                    "the producer ran without writing the canary tick: it predates the canary event (it then runs its"
                            + " minute of ticks); redeploy the streaming stack");
        }
        String where = "topic " + written.path("topic").asText("?") + " partition " + written.path("partition").asText("?")
                + " offset " + written.path("offset").asText("?");
        RealtimeEvent tick = viewer.ticks().awaitFirst(index, t -> t.path("sequence").asLong(-1) == sequence
                && settings.symbol().equals(t.path("symbol").asText()), settings.streamingTimeout());
        if (tick == null) {
            return CheckResult.fail(NAME, Timing.since(start), expected, "the producer wrote it (" + where + ", in "
                            + Timing.seconds(Duration.ofNanos(invoked - start)) + "), but no onTick of it came in "
                            + Timing.seconds(settings.streamingTimeout()),
                    "the tick is in the topic but was not delivered: the consumer's MSK event source mapping is"
                            + " disabled or failing (its State and LastProcessingResult), the consumer fails (its log"
                            + " group, the ConsumerErrors alarm), or it parked the record (the failure queue); if"
                            + " ticks-one-per-request failed too, the consumer cannot publishTick either");
        }
        // From the invocation's start: the consumer can deliver the tick before the producer's answer
        // reaches this client (a warm pipeline did, by 9 ms), so "after the answer" could be negative.
        Duration delivery = Duration.ofNanos(tick.receivedNanos() - start);
        return CheckResult.pass(NAME, Timing.since(start), "invoked " + function + " ("
                + Timing.seconds(Duration.ofNanos(invoked - start)) + "), which wrote " + settings.symbol()
                + " sequence " + sequence + " to " + where + "; it reached " + viewer.ticks().name() + " "
                + delivery.toMillis() + " ms after the invocation began, through the event source mapping and"
                + " the consumer");
    }

    private static String describe(LambdaInvoker.Answer answer) {
        if (answer.functionError().isPresent()) {
            return "the producer failed (" + answer.functionError().get() + "): " + errorMessage(answer.body());
        }
        return "HTTP " + answer.status() + answer.errorType().map(t -> " " + t).orElse("") + ": "
                + errorMessage(answer.body());
    }

    static String invokeCause(LambdaInvoker.Answer answer) {
        if (answer.functionError().isPresent()) {
            String message = errorMessage(answer.body());
            if (message.contains("canary event")) {
                return "the producer refused the canary event: it is older or newer than this verify (redeploy the"
                        + " streaming stack from this version)";
            }
            return "the producer could not write to the topic: the cluster, its SCRAM secret or the topic (the"
                    + " producer's log group, the ProducerErrors alarm)";
        }
        String type = answer.errorType().orElse("");
        if (answer.status() == 403 || type.equals("AccessDeniedException")) {
            return "access denied: the caller's IAM identity may not lambda:InvokeFunction the producer's live alias"
                    + " (attach the observability stack's operator policy, output OperatorPolicyArn; locally the run's"
                    + " operator identity holds it)";
        }
        if (answer.status() == 404 || type.equals("ResourceNotFoundException")) {
            return "no such function: the streaming stack's ProducerFunctionArn names a function or alias that does"
                    + " not exist; is the streaming stack deployed, and is it this stage's?";
        }
        if (answer.status() == 429 || type.startsWith("TooManyRequests")) {
            return "Lambda throttled every try for " + Timing.seconds(INVOKE_BUDGET) + ": with"
                    + " producerReservedConcurrency=on the scheduled run holds the producer's one execution; try"
                    + " again after it, or check the account's concurrency";
        }
        if (answer.status() == 401 || type.contains("Signature") || type.contains("UnrecognizedClient")) {
            return "Lambda refused the signature: the credentials are not valid in this account and region";
        }
        return "Lambda refused the call: see the error type and the producer's configuration";
    }

    private static String errorMessage(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            for (String field : new String[] {"errorMessage", "message", "Message"}) {
                if (json != null && json.hasNonNull(field)) {
                    return json.get(field).asText();
                }
            }
        } catch (IOException e) {
            // not JSON: the body as is
        }
        return excerpt(body);
    }

    private static String excerpt(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
