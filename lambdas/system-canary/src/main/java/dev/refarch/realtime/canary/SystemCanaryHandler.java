package dev.refarch.realtime.canary;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Lambda entry point, invoked by its schedule (an EventBridge scheduled event, whose content is not
 * read): one canary run; returns the run's report (the JSON of {@code system verify --json}).
 * Nothing connects at init: each run opens its own connections, so a SnapStart snapshot holds none.
 */
public final class SystemCanaryHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SystemCanary canary;

    /** The Lambda runtime's constructor: configuration from the environment. */
    public SystemCanaryHandler() {
        this(fromEnvironment(CanaryConfig.fromEnvironment(System.getenv())));
    }

    public SystemCanaryHandler(SystemCanary canary) {
        this.canary = canary;
    }

    private static SystemCanary fromEnvironment(CanaryConfig config) {
        return SystemCanary.against(config, DefaultCredentialsProvider.builder().build(),
                CanaryMetrics.powertools(config.metricsNamespace()));
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> JSON.convertValue(canary.run().toJson(),
                new TypeReference<Map<String, Object>>() { }));
    }
}
