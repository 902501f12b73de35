package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.Stage;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.QueryLanguage;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitJsonataProps;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvokeJsonataProps;
import software.constructs.Construct;

/**
 * Invokes a function every {@code rotationSeconds}. EventBridge schedules fire at most once a
 * minute, so for sub-minute cadences a rule starts an Express state machine each minute that
 * invokes the function {@code 60 / rotationSeconds} times; for longer cadences the rule fires
 * every {@code rotationSeconds / 60} minutes and invokes it once. Express executions are billed
 * by duration, far less than a Lambda sleeping between rotations. A failed invocation is caught
 * and the next one still runs.
 *
 * <p>Slots are anchored to the execution's start, not chained: slot {@code i} waits until
 * {@code start + i x rotationSeconds} (a JSONata {@code Wait} timestamp computed from
 * {@code $states.context.Execution.StartTime}, to the second, as Step Functions truncates
 * timestamps), so however long an invocation takes, the later slots do not drift. A slot whose
 * time has passed runs at once if less than half a period late, and is skipped otherwise (a
 * rotation right before the next slot would show its movie for a moment only).
 */
public final class RotationSchedule extends Construct {

    /** The execution's start, truncated to the second, in epoch milliseconds (JSONata). */
    static final String START_MILLIS = "$floor($toMillis($states.context.Execution.StartTime) / 1000) * 1000";

    private final StateMachine stateMachine;
    private final Rule rule;
    private final Queue failures;

    /** What to invoke, how often, and the stage that decides log retention and removal. */
    public static final class Props {
        private final IFunction target;
        private final int rotationSeconds;
        private final Stage stage;

        private Props(Builder builder) {
            this.target = Objects.requireNonNull(builder.target, "target");
            this.stage = Objects.requireNonNull(builder.stage, "stage");
            this.rotationSeconds = builder.rotationSeconds;
            boolean subMinute = rotationSeconds >= 1 && rotationSeconds < 60 && 60 % rotationSeconds == 0;
            boolean minutes = rotationSeconds >= 60 && rotationSeconds % 60 == 0;
            if (!subMinute && !minutes) {
                throw new IllegalArgumentException("rotationSeconds=" + rotationSeconds
                        + " is not allowed: a divisor of 60 or a multiple of 60");
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        public IFunction target() {
            return target;
        }

        public int rotationSeconds() {
            return rotationSeconds;
        }

        public Stage stage() {
            return stage;
        }

        /** Builds {@link Props}; every field is required. */
        public static final class Builder {
            private IFunction target;
            private int rotationSeconds;
            private Stage stage;

            private Builder() {
            }

            /** The function (or alias) each slot invokes. */
            public Builder target(IFunction value) {
                this.target = value;
                return this;
            }

            /** A divisor of 60 (several slots per minute) or a multiple of 60. */
            public Builder rotationSeconds(int value) {
                this.rotationSeconds = value;
                return this;
            }

            public Builder stage(Stage value) {
                this.stage = value;
                return this;
            }

            public Props build() {
                return new Props(this);
            }
        }
    }

    public RotationSchedule(Construct scope, String id, Props props) {
        super(scope, id);
        int rotationSeconds = props.rotationSeconds();
        int rotationsPerRun = rotationSeconds < 60 ? 60 / rotationSeconds : 1;
        int minutesBetweenRuns = rotationSeconds < 60 ? 1 : rotationSeconds / 60;

        // Built from the last slot back, so each state knows what follows it.
        IChainable after = Succeed.Builder.create(this, "Done").build();
        for (int slot = rotationsPerRun - 1; slot >= 0; slot--) {
            LambdaInvoke rotate = LambdaInvoke.jsonata(this, "Rotate" + (slot + 1), LambdaInvokeJsonataProps.builder()
                    .lambdaFunction(props.target())
                    .payloadResponseOnly(true)
                    // The next rotation is seconds away; retrying past it would only pile up.
                    .retryOnServiceExceptions(false)
                    .build());
            rotate.addCatch(after);
            rotate.next(after);
            if (slot == 0) {
                after = rotate;
                break;
            }
            String due = START_MILLIS + " + " + slot * rotationSeconds * 1000L;
            Wait wait = Wait.jsonata(this, "Wait" + (slot + 1), WaitJsonataProps.builder()
                    .time(WaitTime.timestamp("{% $fromMillis(" + due + ") %}"))
                    .build());
            wait.next(rotate);
            after = Choice.jsonata(this, "Slot" + (slot + 1))
                    .when(Condition.jsonata("{% $millis() < " + due + " %}"), wait)
                    .when(Condition.jsonata("{% $millis() < " + due + " + " + rotationSeconds * 500L + " %}"), rotate)
                    .otherwise(after);
        }

        LogGroup logGroup = LogGroup.Builder.create(this, "LogGroup")
                .retention(props.stage().logRetention())
                .removalPolicy(props.stage().removalPolicy())
                .build();
        stateMachine = StateMachine.Builder.create(this, "StateMachine")
                .comment("Rotates the current movie every " + rotationSeconds + " s, slots anchored to the start")
                .stateMachineType(StateMachineType.EXPRESS)
                .queryLanguage(QueryLanguage.JSONATA)
                .definitionBody(DefinitionBody.fromChainable(after))
                // A run is at most one minute of slots plus the last invocation; Express allows 5.
                .timeout(Duration.minutes(2))
                .tracingEnabled(true)
                .logs(LogOptions.builder()
                        .destination(logGroup)
                        .level(LogLevel.ALL)
                        .includeExecutionData(false)
                        .build())
                .build();
        // EventBridge retries a start it could not make (throttled, no permission) for at most a
        // minute, the next run being due then; what it still cannot start lands in the queue.
        failures = new DeadLetterQueue(this, "ScheduleFailures", "the rotation schedule", props.stage()).queue();
        rule = Rule.Builder.create(this, "Rule")
                .description("Starts the movie rotation every " + minutesBetweenRuns + " minute(s)")
                .schedule(Schedule.rate(Duration.minutes(minutesBetweenRuns)))
                .targets(List.of(SfnStateMachine.Builder.create(stateMachine)
                        .retryAttempts(2)
                        .maxEventAge(Duration.seconds(60))
                        .deadLetterQueue(failures)
                        .build()))
                .build();

        Validations.of(stateMachine.getRole()).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-IAM5[Resource::*]")
                .reason("Step Functions log delivery (logs:CreateLogDelivery and related) and X-Ray "
                        + "(xray:PutTraceSegments and related) accept only '*' as the resource.")
                .build());
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }

    /** The rule that starts each run. */
    public Rule rule() {
        return rule;
    }

    /** Schedule events EventBridge could not turn into an execution. */
    public Queue failures() {
        return failures;
    }
}
