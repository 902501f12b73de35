package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.Stage;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.appsync.GraphqlApi;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * Keeps proving the deployed system works: every {@code minutes} a function ({@code lambdas/system-canary})
 * runs the checks of {@code system verify} that need no browser, no producer and no vote (the real-time
 * handshake with the API key, a batch of canary ticks on symbol {@code ZZCANARY} reaching its own
 * subscriber in order, a chat round trip between two connections) and publishes {@code CanaryPassed}
 * and the tick latency ({@code CanaryMetrics}).
 *
 * <p>Its role may call {@code publishTick} alone (IAM scopes {@code appsync:GraphQL} to a field, not to
 * an argument: the symbol is the canary's by its code, and a tick of {@code ZZCANARY} reaches no viewer,
 * who cannot subscribe to a symbol the page does not list). Everything else it does is public, with the
 * API key, as the page does; it never votes, so never writes the Reviews or Movies tables. The key is
 * the API stack's public key (the page ships it), passed in the environment.
 *
 * <p>A run is a measurement: a failed check does not fail the invocation, so Lambda never retries it
 * (retries 0; an event older than one interval is dropped, the next run is due). An invocation that
 * does fail (its configuration) or is dropped lands in the failure queue; a run EventBridge could not
 * start shows as missing data, which the {@code CanaryFailed} alarm counts as failed.
 */
public final class SystemCanary extends Construct {

    private final JavaFunction function;
    private final Queue failures;

    /**
     * @param realtimeUrl         the API's real-time endpoint
     * @param apiKey              the public API key
     * @param mutationsPerRequest the backend publishers' batch form ({@code AppConfig.mutationsPerRequest()})
     * @param minutes             minutes between two runs
     * @param deployment          {@code <appName>-<stage>}, named by the canary's metrics
     */
    public SystemCanary(Construct scope, String id, GraphqlApi api, String realtimeUrl, String apiKey,
                        int mutationsPerRequest, int minutes, Stage stage, String deployment) {
        super(scope, id);
        failures = new DeadLetterQueue(this, "Failures", "the system canary's invocations", stage).queue();
        Duration interval = Duration.minutes(minutes);
        function = new JavaFunction(this, "Function", JavaFunction.Props.builder()
                .definition(Functions.SYSTEM_CANARY)
                .description("Runs the system checks (handshake, canary ticks, chat) every " + minutes + " min")
                .environment(Functions.canaryEnvironment(api.getGraphqlUrl(), realtimeUrl, apiKey, mutationsPerRequest))
                .stage(stage)
                .deployment(deployment)
                // No reserved concurrency: Lambda keeps at least 100 of an account's concurrency unreserved
                // (a new account's quota may be 10), so a reservation can fail the deploy. Runs overlap only when one
                // hangs past the next (timeout 120 s): the later run's ticks then make the earlier run's
                // stale, a failure in a run that was failing anyway.
                .asyncInvocation(new JavaFunction.AsyncInvocation(0, interval, new SqsDestination(failures)))
                .build());
        api.grantMutation(function.role(), "publishTick");
        function.invokeOnSchedule(this, "Schedule", "Runs the system canary every " + minutes + " min",
                Schedule.rate(interval), 2, interval, failures);
    }

    public JavaFunction function() {
        return function;
    }

    /** Canary invocations that failed, were dropped, or could not be delivered by the schedule. */
    public Queue failures() {
        return failures;
    }
}
