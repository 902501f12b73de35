package dev.refarch.realtime.consumer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.crac.Core;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Lambda entry point for the MSK event source mapping:
 * {@code dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest}. A stream handler, so
 * the event (headers as byte lists) and the partial batch response (an object identifier) are
 * read and written with Jackson exactly as Lambda's Kafka integration defines them. Logs are
 * Powertools JSON lines carrying the invocation's request id; metrics are flushed per batch.
 */
public final class TickConsumerHandler implements RequestStreamHandler {

    /**
     * Kept back from the invocation's remaining time: the partition tasks' straggler wait, then
     * writing the response. Every AppSync and SQS wait ends before it (their connect timeout is
     * shorter, each call's timeout is capped by the time left).
     */
    static final Duration DEADLINE_MARGIN = Duration.ofMillis(1500);

    private final ObjectMapper json = new ObjectMapper();
    private final MskEventParser parser = new MskEventParser(json);
    private final TickConsumer consumer;
    /** Held here: CRaC keeps registered resources only weakly. */
    private final Priming priming;

    /** Lambda's constructor: configuration and clients created once, at init; primed before a snapshot. */
    public TickConsumerHandler() {
        this(TickConsumer.fromConfig(ConsumerConfig.fromEnv(System.getenv()),
                DefaultCredentialsProvider.builder().build()));
        Core.getGlobalContext().register(priming);
    }

    /** A handler around an already wired consumer. */
    public TickConsumerHandler(TickConsumer consumer) {
        this.consumer = consumer;
        this.priming = new Priming(json, parser, consumer);
    }

    /** The SnapStart priming this handler registers (for tests). */
    Priming priming() {
        return priming;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        MskEvent event = parser.parse(input);
        BatchResponse response = PowertoolsLogging.withLogging(context, () -> consumer.consume(event,
                AppSyncClient.timeLeft(context::getRemainingTimeInMillis, DEADLINE_MARGIN)));
        json.writeValue(output, response);
    }
}
