package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.Stage;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.appsync.CfnApiKey;
import software.amazon.awscdk.services.appsync.IGraphqlApi;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * Keeps the public API key from lapsing: a daily function ({@code lambdas/api-key-renewer}) sets
 * the key's expiry to {@code validDays} ahead with AppSync's {@code UpdateApiKey}, allowed on this
 * API and key alone. A failed renewal is retried twice by Lambda and then lands in the failure
 * queue (as does a schedule event EventBridge could not deliver); each is alarmed, and a daily
 * cadence leaves {@code validDays - 1} days to fix the cause before the key lapses.
 */
public final class ApiKeyRenewal extends Construct {

    private final JavaFunction function;
    private final Queue failures;
    private final Queue scheduleFailures;

    /** @param deployment {@code <appName>-<stage>}, named by the renewer's metrics ({@link JavaFunction.Props.Builder#deployment}) */
    public ApiKeyRenewal(Construct scope, String id, IGraphqlApi api, CfnApiKey key, int validDays, Stage stage,
                         String deployment) {
        super(scope, id);
        failures = new DeadLetterQueue(this, "Failures", "the API key renewals", stage).queue();
        scheduleFailures = new DeadLetterQueue(this, "ScheduleFailures", "the API key renewal schedule", stage).queue();
        function = new JavaFunction(this, "Renewer", JavaFunction.Props.builder()
                .definition(Functions.API_KEY_RENEWER)
                .description("Extends the public AppSync API key's expiry every day")
                .environment(Map.of("API_ID", api.getApiId(),
                        "API_KEY_ID", key.getAttrApiKeyId(),
                        "VALID_DAYS", Integer.toString(validDays)))
                .stage(stage)
                .deployment(deployment)
                // A renewal is idempotent: Lambda's two retries are safe, and six hours is well
                // within the day before the next one.
                .asyncInvocation(new JavaFunction.AsyncInvocation(2, Duration.hours(6), new SqsDestination(failures)))
                .build());
        // UpdateApiKey is authorized on the API (graphqlapi resource type); the key's own ARN is
        // listed too, so the grant names exactly this key.
        function.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("appsync:UpdateApiKey"))
                .resources(List.of(api.getArn(), key.getRef()))
                .build());
        function.invokeOnSchedule(this, "Schedule", "Renews the public API key every day", Schedule.rate(Duration.days(1)),
                10, Duration.hours(6), scheduleFailures);
    }

    public JavaFunction function() {
        return function;
    }

    /** Renewals that failed every retry. */
    public Queue failures() {
        return failures;
    }

    /** Schedule events EventBridge could not deliver to the renewer. */
    public Queue scheduleFailures() {
        return scheduleFailures;
    }
}
