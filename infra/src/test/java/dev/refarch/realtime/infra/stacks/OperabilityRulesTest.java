package dev.refarch.realtime.infra.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.infra.stacks.DeployPreflightTest.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Operability rules over every stack the app synthesizes (streaming on and off, dev and prod):
 * every asynchronous path has somewhere to fail to, every failure queue is encrypted and alarmed,
 * and every log group, including those of CDK's own custom-resource functions, has the stage's
 * retention. Each rule reports every offending resource.
 */
class OperabilityRulesTest {

    static Stream<Deployment> deployments() {
        return DeployPreflightTest.deployments();
    }

    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html (events EventBridge cannot deliver
    // after its retry policy go to the target's dead-letter queue, an SQS queue; without one they are dropped)
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void everyScheduleTargetHasADeadLetterQueueAndAnExplicitRetryPolicy(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        int targets = 0;
        for (CfnModel stack : deployment.stacks()) {
            for (String rule : stack.ofType("AWS::Events::Rule")) {
                targets += stack.properties(rule).path("Targets").size();
            }
            problems.addAll(scheduleTargetProblems(stack));
        }
        // The rotation's and the renewal's rules always; the producer's and the skipped-batch notices with streaming.
        assertTrue(targets >= (deployment.streaming() ? 4 : 2), "schedule targets found: " + targets);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    static List<String> scheduleTargetProblems(CfnModel stack) {
        List<String> problems = new ArrayList<>();
        for (String rule : stack.ofType("AWS::Events::Rule")) {
            for (JsonNode target : stack.properties(rule).path("Targets")) {
                String where = stack.stackName + "/" + rule + " -> " + target.path("Id").asText();
                String dlq = stack.referenced(target.at("/DeadLetterConfig/Arn")).orElse("");
                if (!stack.type(dlq).equals("AWS::SQS::Queue")) {
                    problems.add(where + ": no dead-letter queue in the template");
                }
                if (!target.at("/RetryPolicy/MaximumRetryAttempts").isNumber()
                        || !target.at("/RetryPolicy/MaximumEventAgeInSeconds").isNumber()) {
                    problems.add(where + ": no explicit retry policy " + target.path("RetryPolicy"));
                }
            }
        }
        for (String schedule : stack.ofType("AWS::Scheduler::Schedule")) {
            JsonNode target = stack.properties(schedule).path("Target");
            if (target.at("/DeadLetterConfig/Arn").isMissingNode() || target.path("RetryPolicy").isMissingNode()) {
                problems.add(stack.stackName + "/" + schedule + ": no dead-letter queue or retry policy");
            }
        }
        return problems;
    }

    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html (an on-failure destination
    // receives the records of asynchronous invocations that fail all retries or exceed the maximum age; Lambda
    // retries twice by default) and .../invocation-async-error-handling.html
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void everyAsynchronouslyInvokedFunctionHasAnOnFailureDestinationAndAnExplicitRetryCount(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        for (CfnModel stack : deployment.stacks()) {
            problems.addAll(asyncInvocationProblems(stack));
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    static List<String> asyncInvocationProblems(CfnModel stack) {
        List<String> problems = new ArrayList<>();
        // A rule invokes Lambda asynchronously: each function (alias) it targets must say where failures go.
        for (String rule : stack.ofType("AWS::Events::Rule")) {
            for (JsonNode target : stack.properties(rule).path("Targets")) {
                String invoked = stack.referenced(target.path("Arn")).orElse("");
                if (!stack.type(invoked).startsWith("AWS::Lambda::")) {
                    continue;
                }
                boolean configured = stack.ofType("AWS::Lambda::EventInvokeConfig").stream()
                        .map(stack::properties)
                        .anyMatch(c -> CfnModel.mentions(c.path("FunctionName"), functionOf(stack, invoked))
                                && (c.path("Qualifier").asText().equals(qualifierOf(stack, invoked))
                                        || CfnModel.mentions(c.path("Qualifier"), invoked)));
                if (!configured) {
                    problems.add(stack.stackName + "/" + rule + ": invokes " + invoked
                            + " asynchronously with no EventInvokeConfig on that qualifier");
                }
            }
        }
        for (String config : stack.ofType("AWS::Lambda::EventInvokeConfig")) {
            JsonNode props = stack.properties(config);
            String where = stack.stackName + "/" + config;
            String destination = stack.referenced(props.at("/DestinationConfig/OnFailure/Destination")).orElse("");
            if (!List.of("AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::Events::EventBus", "AWS::S3::Bucket")
                    .contains(stack.type(destination))) {
                problems.add(where + ": no on-failure destination in the template");
            }
            if (!props.path("MaximumRetryAttempts").isNumber()) {
                problems.add(where + ": retry count left to Lambda's default (2)");
            }
        }
        return problems;
    }

    // https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html (without an on-failure destination,
    // a batch that exhausts its retries is dropped with no record of it)
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void everyStreamMappingHasAFailureDestination(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        for (CfnModel stack : deployment.stacks()) {
            for (String mapping : stack.ofType("AWS::Lambda::EventSourceMapping")) {
                if (stack.properties(mapping).at("/DestinationConfig/OnFailure/Destination").isMissingNode()) {
                    problems.add(stack.stackName + "/" + mapping + ": no on-failure destination");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
    // (ApproximateNumberOfMessagesVisible) and .../sqs-server-side-encryption.html
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void everyQueueIsEncryptedAndAnAlarmWatchesIt(Deployment deployment) {
        List<CfnModel> stacks = deployment.stacks();
        StringBuilder alarmDimensions = new StringBuilder();
        for (CfnModel stack : stacks) {
            for (String alarm : stack.ofType("AWS::CloudWatch::Alarm")) {
                JsonNode props = stack.properties(alarm);
                // A labelled metric is rendered under Metrics/MetricStat rather than at the top level.
                if (props.toString().contains("\"ApproximateNumberOfMessagesVisible\"")
                        && !props.path("AlarmActions").isEmpty()) {
                    alarmDimensions.append(props.findValues("Dimensions"));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        int queues = 0;
        for (CfnModel stack : stacks) {
            for (String queue : stack.ofType("AWS::SQS::Queue")) {
                queues++;
                JsonNode props = stack.properties(queue);
                if (!props.path("SqsManagedSseEnabled").asBoolean(false) && !props.has("KmsMasterKeyId")) {
                    problems.add(stack.stackName + "/" + queue + ": not encrypted");
                }
                // The alarm names the queue by GetAtt in its own stack, or by a cross-stack output named for it.
                if (!alarmDimensions.toString().contains(queue)) {
                    problems.add(stack.stackName + "/" + queue + ": no alarm on its visible messages");
                }
            }
        }
        assertTrue(queues >= (deployment.streaming() ? 5 : 1), "queues found: " + queues);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html (a function without a configured
    // log group writes to /aws/lambda/<name>, which Lambda creates with no retention: logs kept forever)
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void everyFunctionLogsToAGroupWithTheStagesRetention(Deployment deployment) {
        int retention = deployment.prod() ? 365 : 7;
        List<String> problems = new ArrayList<>();
        for (CfnModel stack : deployment.stacks()) {
            for (String group : stack.ofType("AWS::Logs::LogGroup")) {
                if (stack.properties(group).path("RetentionInDays").asInt(-1) != retention) {
                    problems.add(stack.stackName + "/" + group + ": retention "
                            + stack.properties(group).path("RetentionInDays") + ", expected " + retention);
                }
            }
            for (String function : stack.ofType("AWS::Lambda::Function")) {
                String configured = stack.referenced(stack.properties(function).at("/LoggingConfig/LogGroup"))
                        .orElse("");
                boolean defaultGroupDeclared = stack.ofType("AWS::Logs::LogGroup").stream()
                        .anyMatch(g -> CfnModel.mentions(stack.properties(g).path("LogGroupName"), function));
                if (!stack.type(configured).equals("AWS::Logs::LogGroup") && !defaultGroupDeclared) {
                    problems.add(stack.stackName + "/" + function + ": logs to a group the template does not declare");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html (with the JSON format,
    // Lambda's own lines are JSON too, and lines already in JSON are kept as they are)
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void everyFunctionLogsJson(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        int functions = 0;
        for (CfnModel stack : deployment.stacks()) {
            for (String function : stack.ofType("AWS::Lambda::Function")) {
                functions++;
                if (!stack.properties(function).at("/LoggingConfig/LogFormat").asText().equals("JSON")) {
                    problems.add(stack.stackName + "/" + function + ": log format "
                            + stack.properties(function).path("LoggingConfig"));
                }
            }
        }
        assertTrue(functions >= 3, "functions found: " + functions);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @org.junit.jupiter.api.Test
    void theRulesCatchWhatTheyCheck() throws Exception {
        // A rule invoking a function's alias with no dead-letter queue, no retry policy and no EventInvokeConfig.
        CfnModel bare = new CfnModel("bare", new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"Resources": {
                  "Fn": {"Type": "AWS::Lambda::Function", "Properties": {}},
                  "Live": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Fn"}, "Name": "live"}},
                  "Schedule": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Id": "T", "Arn": {"Ref": "Live"}}]}}
                }}"""));
        assertEquals(2, scheduleTargetProblems(bare).size(), scheduleTargetProblems(bare).toString());
        assertEquals(1, asyncInvocationProblems(bare).size(), asyncInvocationProblems(bare).toString());
        CfnModel configured = new CfnModel("configured", new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"Resources": {
                  "Fn": {"Type": "AWS::Lambda::Function", "Properties": {}},
                  "Live": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Fn"}, "Name": "live"}},
                  "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {}},
                  "Schedule": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Id": "T", "Arn": {"Ref": "Live"},
                    "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["Dlq", "Arn"]}},
                    "RetryPolicy": {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60}}]}},
                  "Async": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {"FunctionName": {"Ref": "Fn"},
                    "Qualifier": "live", "MaximumRetryAttempts": 0,
                    "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["Dlq", "Arn"]}}}}}
                }}"""));
        assertEquals(List.of(), scheduleTargetProblems(configured));
        assertEquals(List.of(), asyncInvocationProblems(configured));
    }

    /** The function behind a function, version or alias logical id. */
    private static String functionOf(CfnModel stack, String id) {
        if (stack.type(id).equals("AWS::Lambda::Function")) {
            return id;
        }
        return stack.referenced(stack.properties(id).path("FunctionName")).orElse(id);
    }

    private static String qualifierOf(CfnModel stack, String id) {
        return stack.type(id).equals("AWS::Lambda::Alias") ? stack.properties(id).path("Name").asText() : "$LATEST";
    }
}
