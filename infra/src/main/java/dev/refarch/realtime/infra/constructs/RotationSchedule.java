package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.Stage;
import java.util.List;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.Chain;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.INextable;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Invokes a function every {@code rotationSeconds}. EventBridge schedules fire at most once a
 * minute, so for sub-minute cadences a rule starts an Express state machine each minute that
 * invokes the function {@code 60 / rotationSeconds} times with waits between; for longer
 * cadences the rule fires every {@code rotationSeconds / 60} minutes and invokes it once.
 * Express executions are billed by duration, far less than a Lambda sleeping between
 * rotations. A failed invocation is caught and the next one still runs.
 */
public final class RotationSchedule extends Construct {

    private final StateMachine stateMachine;

    public RotationSchedule(Construct scope, String id, IFunction target, int rotationSeconds, Stage stage) {
        super(scope, id);
        int rotationsPerRun = rotationSeconds < 60 ? 60 / rotationSeconds : 1;
        int minutesBetweenRuns = rotationSeconds < 60 ? 1 : rotationSeconds / 60;

        Succeed done = Succeed.Builder.create(this, "Done").build();
        Chain chain = null;
        INextable previous = null;
        for (int i = 1; i <= rotationsPerRun; i++) {
            LambdaInvoke rotate = LambdaInvoke.Builder.create(this, "Rotate" + i)
                    .lambdaFunction(target)
                    .payloadResponseOnly(true)
                    // The next rotation is seconds away; retrying past it would only pile up.
                    .retryOnServiceExceptions(false)
                    .resultPath(JsonPath.DISCARD)
                    .build();
            chain = chain == null ? Chain.start(rotate) : chain.next(rotate);
            if (i < rotationsPerRun) {
                Wait wait = Wait.Builder.create(this, "Wait" + i)
                        .time(WaitTime.duration(Duration.seconds(rotationSeconds)))
                        .build();
                rotate.addCatch(wait, CatchProps.builder().resultPath(JsonPath.DISCARD).build());
                chain = chain.next(wait);
            } else {
                rotate.addCatch(done, CatchProps.builder().resultPath(JsonPath.DISCARD).build());
                chain = chain.next(done);
            }
        }

        LogGroup logGroup = LogGroup.Builder.create(this, "LogGroup")
                .retention(stage.logRetention())
                .removalPolicy(stage.removalPolicy())
                .build();
        stateMachine = StateMachine.Builder.create(this, "StateMachine")
                .comment("Rotates the current movie every " + rotationSeconds + " s")
                .stateMachineType(StateMachineType.EXPRESS)
                .definitionBody(DefinitionBody.fromChainable(chain))
                .timeout(Duration.minutes(Math.max(2, minutesBetweenRuns + 1)))
                .tracingEnabled(true)
                .logs(LogOptions.builder()
                        .destination(logGroup)
                        .level(LogLevel.ALL)
                        .includeExecutionData(false)
                        .build())
                .build();
        Rule.Builder.create(this, "Rule")
                .description("Starts the movie rotation every " + minutesBetweenRuns + " minute(s)")
                .schedule(Schedule.rate(Duration.minutes(minutesBetweenRuns)))
                .targets(List.of(SfnStateMachine.Builder.create(stateMachine).build()))
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
}
