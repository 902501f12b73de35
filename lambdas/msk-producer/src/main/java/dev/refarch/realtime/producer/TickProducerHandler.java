package dev.refarch.realtime.producer;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import org.crac.Core;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/**
 * Lambda entry point, invoked by an EventBridge schedule every minute: publishes ticks for most of
 * the minute that the event's {@code time} starts, and returns how many per symbol. Invoked with a
 * canary event ({@link CanaryTickRequest}, by {@code system verify}), it writes that one tick instead
 * and returns where it landed. Configuration: {@link TickProducerConfig}.
 */
public final class TickProducerHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final TickProducer producer;
    /** Held here: CRaC keeps registered resources only weakly. */
    private final RestoreHook restoreHook;

    /** Called once per execution environment by Lambda: everything is created here, at init. */
    public TickProducerHandler() {
        this(TickProducer.create(TickProducerConfig.fromEnv(System.getenv()), MetricsFactory.getMetricsInstance()));
        Core.getGlobalContext().register(restoreHook);
    }

    TickProducerHandler(TickProducer producer) {
        this.producer = producer;
        this.restoreHook = new RestoreHook(producer);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> scheduledEvent, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            Optional<CanaryTickRequest> canary = CanaryTickRequest.from(scheduledEvent);
            if (canary.isPresent()) {
                return producer.publishCanary(canary.get()).toMap();
            }
            return producer.run(scheduledTime(scheduledEvent), Duration.ofMillis(context.getRemainingTimeInMillis()))
                    .toMap();
        });
    }

    /**
     * The scheduled event's {@code time} (ISO-8601): the same in every delivery and retry of one
     * event, so it names the run's slot. Empty for an invocation without one (e.g. by hand).
     */
    static Optional<Instant> scheduledTime(Map<String, Object> scheduledEvent) {
        Object time = scheduledEvent == null ? null : scheduledEvent.get("time");
        if (time instanceof String text) {
            try {
                return Optional.of(Instant.parse(text));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("The event's time is not an ISO-8601 instant: " + text, e);
            }
        }
        return Optional.empty();
    }
}
