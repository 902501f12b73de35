package dev.refarch.realtime.producer;

import java.time.Duration;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import org.crac.Core;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/**
 * Lambda entry point, invoked by an EventBridge schedule every minute: publishes ticks for most of
 * the minute and returns how many per symbol. Configuration: {@link TickProducerConfig}.
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
        return PowertoolsLogging.withLogging(context,
                () -> producer.run(Duration.ofMillis(context.getRemainingTimeInMillis())).toMap());
    }
}
