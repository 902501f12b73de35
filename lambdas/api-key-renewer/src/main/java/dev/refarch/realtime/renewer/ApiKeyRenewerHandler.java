package dev.refarch.realtime.renewer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/** Lambda entry point, invoked daily by its schedule: one renewal; a failure fails the invocation. */
public final class ApiKeyRenewerHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final ApiKeyRenewer renewer;

    /** The Lambda runtime's constructor: configuration from the environment. */
    public ApiKeyRenewerHandler() {
        this(new ApiKeyRenewer(RenewerConfig.fromEnvironment(System.getenv()),
                DefaultCredentialsProvider.builder().build(), Clock.systemUTC()));
    }

    public ApiKeyRenewerHandler(ApiKeyRenewer renewer) {
        this.renewer = renewer;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> Map.of("expires", renewer.renew().toString()));
    }
}
