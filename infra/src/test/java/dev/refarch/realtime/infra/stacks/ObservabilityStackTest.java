package dev.refarch.realtime.infra.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.TestApps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ObservabilityStackTest {

    private static final String STACK = "realtime-refarch-dev-observability";
    private static Template template;
    private static JsonNode json;

    @BeforeAll
    static void synth() {
        template = observability(Map.of());
        json = new ObjectMapper().valueToTree(template.toJSON());
    }

    private static Template observability(Map<String, Object> context) {
        return Template.fromStack(TestApps.stack(TestApps.app(context), STACK));
    }

    private static String dashboardBody(Template t) {
        JsonNode dashboards = new ObjectMapper().valueToTree(t.findResources("AWS::CloudWatch::Dashboard"));
        assertEquals(1, dashboards.size());
        return dashboards.elements().next().at("/Properties/DashboardBody").toString();
    }

    private static TreeSet<String> alarmNames(JsonNode template) {
        TreeSet<String> names = new TreeSet<>();
        template.path("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                String description = e.getValue().at("/Properties/AlarmDescription").asText();
                names.add(description.replaceAll(".*Runbook: docs/operations.md, \"([A-Za-z0-9]+)\"\\.$", "$1"));
            }
        });
        return names;
    }

    @Test
    void dashboardShowsTicksLagRotationsVotesAndTheApi() {
        String body = dashboardBody(template);
        // WAF's metrics are found by the web ACL's name.
        assertTrue(body.contains("\\\"WebACL\\\",\\\"realtime-refarch-dev-api\\\""), body);
        for (String shown : List.of("TicksPublished", "RecordsDelivered", "StaleTicks", "PoisonRecords", "OffsetLag",
                "Duration", "Rotations", "AbandonedRotations", "TmdbFailures", "CurrentMovieAgeSeconds",
                "ReplayedTicks", "ReplayedStaleTicks", "GraphQLError", "Requests",
                "4XXError", "5XXError", "Latency", "BlockedRequests", "MatchedEvents",
                "ApproximateNumberOfMessagesVisible", "Throttles", "Errors")) {
            assertTrue(body.contains(shown), "dashboard lacks " + shown);
        }
        // The metrics are read the way the functions emit them (Powertools EMF, Service dimension).
        assertTrue(body.contains("\\\"RealtimeRefarch\\\",\\\"TicksPublished\\\",\\\"Service\\\",\\\"realtime-refarch-dev-msk-producer\\\""), body);
        assertTrue(body.contains("\\\"RealtimeRefarch\\\",\\\"RecordsDelivered\\\",\\\"Service\\\",\\\"realtime-refarch-dev-msk-consumer\\\""), body);
        assertTrue(body.contains("\\\"RealtimeRefarch\\\",\\\"Rotations\\\",\\\"Service\\\",\\\"realtime-refarch-dev-movie-rotator\\\""), body);
        assertTrue(body.contains("\\\"RealtimeRefarch\\\",\\\"ReviewBroadcasts\\\",\\\"Service\\\",\\\"realtime-refarch-dev-review-broadcaster\\\""), body);
        // The consumer's timeout is drawn on its duration graph.
        assertTrue(body.contains("300000"), body);
        // Every widget graphs a metric: no placeholder text, no DynamoDB stand-in for votes.
        assertTrue(!body.contains("\\\"type\\\":\\\"text\\\"") && !body.contains("SuccessfulRequestLatency"), body);
    }

    /**
     * The dashboard body as the JSON CloudWatch reads, each reference to another resource or stack
     * (an {@code Fn::Join} part that is not a string) standing as {@code <ref>}.
     */
    private static JsonNode dashboardJson(Template t) {
        JsonNode dashboards = new ObjectMapper().valueToTree(t.findResources("AWS::CloudWatch::Dashboard"));
        JsonNode body = dashboards.elements().next().at("/Properties/DashboardBody");
        StringBuilder text = new StringBuilder();
        if (body.isTextual()) {
            text.append(body.asText());
        } else {
            body.path("Fn::Join").get(1).forEach(part -> text.append(part.isTextual() ? part.asText() : "<ref>"));
        }
        try {
            return new ObjectMapper().readTree(text.toString());
        } catch (java.io.IOException e) {
            throw new AssertionError("dashboard body is not JSON: " + text, e);
        }
    }

    /** The graph widget titled {@code title} (prefix), its {@code properties}. */
    private static JsonNode widget(JsonNode dashboard, String title) {
        for (JsonNode widget : dashboard.path("widgets")) {
            if (widget.at("/properties/title").asText().startsWith(title)) {
                return widget.path("properties");
            }
        }
        throw new AssertionError("no widget titled " + title + " in " + dashboard);
    }

    // https://docs.aws.amazon.com/appsync/latest/APIReference/API_EnhancedMetricsConfig.html (resolver metrics
    // "recorded by API ID and resolver name": Requests and GraphQL errors per resolver) and
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html
    @Test
    void votesAndChatMessagesAreCountedFromTheirResolversOwnMetrics() {
        JsonNode graph = widget(dashboardJson(template), "Votes and chat messages per minute");
        List<String> expressions = new ArrayList<>();
        graph.path("metrics").forEach(m -> expressions.add(m.get(0).path("expression").asText()));
        assertEquals(List.of(
                "SEARCH('GraphQLAPIId=\"<ref>\" MetricName=\"Requests\" vote', 'Sum', 60)",
                "SEARCH('GraphQLAPIId=\"<ref>\" MetricName=\"GraphQLError\" vote', 'Sum', 60)",
                "SEARCH('GraphQLAPIId=\"<ref>\" MetricName=\"Requests\" sendMessage', 'Sum', 60)",
                "SEARCH('GraphQLAPIId=\"<ref>\" MetricName=\"GraphQLError\" sendMessage', 'Sum', 60)"),
                expressions);
    }

    @Test
    void theCurrentMoviesAgeIsGraphedAsItsMaximumAgainstTheRotationInterval() {
        JsonNode graph = widget(dashboardJson(observability(Map.of("rotationSeconds", 15))), "Age of the current movie");
        assertEquals("[\"RealtimeRefarch\",\"CurrentMovieAgeSeconds\",\"Service\",\"realtime-refarch-dev-movie-rotator\","
                + "{\"label\":\"on screen for\",\"period\":60,\"stat\":\"Maximum\"}]",
                graph.path("metrics").get(0).toString());
        List<String> annotations = new ArrayList<>();
        graph.at("/annotations/horizontal").forEach(a -> annotations.add(a.path("label").asText() + "="
                + a.path("value").asInt()));
        assertTrue(annotations.contains("expected (rotationSeconds)=15"), annotations.toString());
    }

    @Test
    void replayedTicksAreGraphedPerRunByTheFailureBucketTheCliPublishesThem() {
        JsonNode graph = widget(dashboardJson(template), "Ticks replayed by `ticks replay`");
        List<String> metrics = new ArrayList<>();
        graph.path("metrics").forEach(m -> metrics.add(m.get(0).asText() + " " + m.get(1).asText() + " "
                + m.get(2).asText() + "=" + m.get(3).asText() + " " + m.get(4).path("stat").asText()));
        assertEquals(List.of("RealtimeRefarch ReplayedTicks FailureBucket=<ref> Sum",
                "RealtimeRefarch ReplayedStaleTicks FailureBucket=<ref> Sum"), metrics);
        assertTrue(!dashboardBody(observability(Map.of("streaming", "off"))).contains("ReplayedTicks"));
    }

    @Test
    void everyFailureModeHasAnAlarmThatNotifiesTheTopicAndSaysWhatToDo() {
        assertEquals(new TreeSet<>(List.of("ApiKeyRenewalFailures", "ApiKeyRenewalScheduleFailures",
                "ApiKeyRenewerErrors", "ApiKeyRenewerThrottles", "AppSync5xxRate", "CanaryFailed", "ConsumerErrors",
                "ConsumerLagGrowing", "ConsumerLagHigh",
                "ConsumerThrottles", "PoisonTicks", "ProducerErrors", "ProducerFailures", "ProducerScheduleFailures",
                "ProducerThrottles", "ReviewBroadcastFailures", "ReviewBroadcasterErrors", "ReviewBroadcasterThrottles",
                "RotationScheduleFailures", "RotationsStopped", "RotatorErrors",
                "RotatorThrottles", "SkippedBatchNoticeFailures", "SystemCanaryErrors", "SystemCanaryFailures",
                "SystemCanaryThrottles", "TicksStopped", "TopicProvisionerErrors",
                "TopicProvisionerThrottles")), alarmNames(json));
        String topic = json.path("Resources").fieldNames().next();
        List<String> problems = new ArrayList<>();
        json.path("Resources").fields().forEachRemaining(e -> {
            JsonNode props = e.getValue().path("Properties");
            if (e.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                if (!props.path("AlarmActions").toString().contains("AlarmTopic")
                        || !props.path("OKActions").toString().contains("AlarmTopic")) {
                    problems.add(e.getKey() + ": does not notify the alarm topic");
                }
                if (props.path("AlarmDescription").asText().length() < 60) {
                    problems.add(e.getKey() + ": description says too little");
                }
            }
        });
        assertTrue(problems.isEmpty(), topic + String.join("\n", problems));
    }

    @Test
    void thresholdsComeFromConfiguration() {
        JsonNode custom = new ObjectMapper().valueToTree(observability(Map.of("consumerLagRecords", 77,
                "ticksStoppedMinutes", 9, "rotationsMissed", 12, "rotationSeconds", 10)).toJSON());
        List<JsonNode> alarms = new ArrayList<>();
        custom.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                alarms.add(r.path("Properties"));
            }
        });
        assertTrue(alarms.stream().anyMatch(a -> a.toString().contains("\"OffsetLag\"")
                && a.path("Threshold").asDouble() == 77), "lag threshold");
        assertTrue(alarms.stream().anyMatch(a -> a.path("AlarmDescription").asText().contains("for 9 min")
                && a.path("EvaluationPeriods").asInt() == 9), "ticks stopped for 9 minutes");
        // 12 rotations of 10 s: no completed rotation in 2 minutes.
        assertTrue(alarms.stream().anyMatch(a -> a.path("MetricName").asText().equals("Rotations")
                && a.path("Period").asInt() == 120 && a.path("TreatMissingData").asText().equals("breaching")),
                "rotations stopped over 2 minutes");
    }

    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html (CloudWatch and EventBridge may publish to an
    // encrypted topic only with a customer managed key whose policy lets them use it)
    @Test
    void alarmTopicIsEncryptedWithAKeyItsPublishersMayUseAndRefusesPlainHttp() {
        template.hasResourceProperties("AWS::SNS::Topic", Match.objectLike(Map.of(
                "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("AlarmTopicKey.*"), "Arn")))));
        template.hasResourceProperties("AWS::KMS::Key", Match.objectLike(Map.of("EnableKeyRotation", true)));
        JsonNode keyPolicy = json.findValue("KeyPolicy");
        for (String service : List.of("cloudwatch.amazonaws.com", "events.amazonaws.com")) {
            List<JsonNode> statements = new ArrayList<>();
            keyPolicy.path("Statement").forEach(st -> {
                if (st.path("Principal").path("Service").toString().contains(service)) {
                    statements.add(st);
                }
            });
            for (String action : List.of("kms:GenerateDataKey", "kms:Decrypt")) {
                assertTrue(CfnModel.allows(statements, action, r -> true), service + " may not " + action);
            }
        }
        Object denyPlainHttp = Match.objectLike(Map.of("Effect", "Deny",
                "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))));
        template.hasResourceProperties("AWS::SNS::TopicPolicy", Match.objectLike(Map.of("PolicyDocument",
                Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(denyPlainHttp)))))));
        template.resourceCountIs("AWS::SNS::Subscription", 0);
        observability(Map.of("alarmEmail", "ops@example.com")).hasResourceProperties("AWS::SNS::Subscription",
                Map.of("Protocol", "email", "Endpoint", "ops@example.com",
                        "TopicArn", Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("AlarmTopic.*")))));
    }

    // https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html and
    // https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html (SizeRestrictions_BODY)
    @Test
    void webAclRateLimitsApiKeyClientsPerIpAndAppliesTheCommonRuleSet() {
        Object apiKeyRequests = Map.of("SizeConstraintStatement", Match.objectLike(Map.of(
                "FieldToMatch", Map.of("SingleHeader", Map.of("Name", "x-api-key")),
                "ComparisonOperator", "GT", "Size", 0)));
        Object rateRule = Match.objectLike(Map.of(
                "Name", "ApiKeyRequestsPerIp",
                "Action", Map.of("Block", Map.of()),
                "Statement", Map.of("RateBasedStatement", Match.objectLike(Map.of(
                        "Limit", 1000, "AggregateKeyType", "IP", "EvaluationWindowSec", 300,
                        "ScopeDownStatement", apiKeyRequests)))));
        Object commonRules = Match.objectLike(Map.of(
                "Name", "AWSManagedRulesCommonRuleSet",
                "OverrideAction", Map.of("None", Map.of()),
                "Statement", Map.of("ManagedRuleGroupStatement", Match.objectLike(Map.of(
                        "VendorName", "AWS", "Name", "AWSManagedRulesCommonRuleSet",
                        "RuleActionOverrides", List.of(Map.of("Name", "SizeRestrictions_BODY",
                                "ActionToUse", Map.of("Count", Map.of()))))))));
        template.hasResourceProperties("AWS::WAFv2::WebACL", Match.objectLike(Map.of(
                "Name", "realtime-refarch-dev-api",
                "Scope", "REGIONAL",
                "DefaultAction", Map.of("Allow", Map.of()),
                "Rules", Match.arrayWith(List.of(rateRule, commonRules)))));
        template.hasResourceProperties("AWS::WAFv2::WebACLAssociation", Match.objectLike(Map.of(
                "WebACLArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ApiFirewallWebAcl.*"), "Arn")))));
        template.hasResourceProperties("AWS::WAFv2::LoggingConfiguration", Match.objectLike(Map.of(
                "RedactedFields", List.of(Map.of("SingleHeader", Map.of("Name", "x-api-key")),
                        Map.of("SingleHeader", Map.of("Name", "authorization"))))));
        observability(Map.of("wafRateLimit", 250)).hasResourceProperties("AWS::WAFv2::WebACL",
                Match.objectLike(Map.of("Rules", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Statement", Map.of("RateBasedStatement", Match.objectLike(Map.of("Limit", 250))))))))));
        observability(Map.of("waf", "off")).resourceCountIs("AWS::WAFv2::WebACL", 0);
    }

    // https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html (the log group name must start
    // with aws-waf-logs-; the destination ARN is the group's ARN without ":*")
    @Test
    void wafLogsGoToAnAwsWafLogsGroupNamedPerDeployment() {
        template.hasResourceProperties("AWS::Logs::LogGroup", Match.objectLike(Map.of(
                "LogGroupName", Match.objectLike(Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(
                        "aws-waf-logs-"))))),
                "RetentionInDays", 7)));
        String destination = json.findValue("LogDestinationConfigs").toString();
        assertTrue(destination.contains(":log-group:") && !destination.contains(":*"), destination);
    }

    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html ("Object Created" events once
    // EventBridge is enabled on the bucket)
    @Test
    void eachBatchSkippedIntoTheFailureBucketNotifiesTheTopic() {
        Template streaming = Template.fromStack(TestApps.stack(TestApps.app(Map.of()), "realtime-refarch-dev-streaming"));
        streaming.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of("NotificationConfiguration",
                Map.of("EventBridgeConfiguration", Map.of("EventBridgeEnabled", true)))));
        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "EventPattern", Match.objectLike(Map.of("source", List.of("aws.s3"),
                        "detail-type", List.of("Object Created"),
                        // Not the copies `ticks replay` makes in the bucket (S3 reports CopyObject too).
                        "detail", Match.objectLike(Map.of("object", Map.of("key", List.of(Map.of("anything-but",
                                Map.of("prefix", "replayed/")))))))),
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", Match.stringLikeRegexp("AlarmTopic.*"))))))));
    }

    // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html (event source mapping metrics are
    // published only when the mapping's MetricsConfig asks for them)
    @Test
    void consumerMappingPublishesItsEventErrorAndKafkaMetrics() {
        Template streaming = Template.fromStack(TestApps.stack(TestApps.app(Map.of()), "realtime-refarch-dev-streaming"));
        streaming.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "MetricsConfig", Map.of("Metrics", List.of("EventCount", "ErrorCount", "KafkaMetrics")))));
    }

    @Test
    void withStreamingOffOnlyTheMovieAndApiSignalsRemain() {
        JsonNode off = new ObjectMapper().valueToTree(observability(Map.of("streaming", "off", "canary", "off"))
                .toJSON());
        assertEquals(new TreeSet<>(List.of("ApiKeyRenewalFailures", "ApiKeyRenewalScheduleFailures",
                "ApiKeyRenewerErrors", "ApiKeyRenewerThrottles", "AppSync5xxRate", "ReviewBroadcastFailures",
                "ReviewBroadcasterErrors", "ReviewBroadcasterThrottles", "RotationScheduleFailures",
                "RotationsStopped", "RotatorErrors", "RotatorThrottles")), alarmNames(off));
    }

    // https://docs.aws.amazon.com/appsync/latest/APIReference/API_UpdateApiKey.html and the service authorization
    // reference for AppSync (UpdateApiKey on the graphqlapi resource)
    @Test
    void apiKeyIsRenewedDailyByAFunctionAllowedToUpdateThatKeyAlone() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.refarch.realtime.renewer.ApiKeyRenewerHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("VALID_DAYS", "365"))))));
        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(1 day)",
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", Match.stringLikeRegexp("ApiKeyRenewalRenewerLive.*"))))))));
        List<JsonNode> grants = new ArrayList<>();
        json.path("Resources").forEach(r -> r.findValues("Statement").forEach(list -> list.forEach(st -> {
            if (st.path("Action").toString().contains("appsync:UpdateApiKey")) {
                grants.add(st);
            }
        })));
        assertEquals(1, grants.size(), grants.toString());
        String resources = grants.get(0).path("Resource").toString();
        assertTrue(!resources.contains("\"*\"") && resources.contains("GraphqlApi") && resources.contains("ApiKey"),
                resources);
        // A shorter configured validity is what each renewal sets, so a redeploy and a renewal agree.
        observability(Map.of("apiKeyExpiryDays", 30)).hasResourceProperties("AWS::Lambda::Function",
                Match.objectLike(Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of("VALID_DAYS", "30"))))));
    }

    // https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html (appsync:GraphQL on
    // apis/<id>/types/<type>/fields/<field>); CloudWatch alarms: EvaluationPeriods and DatapointsToAlarm, and
    // TreatMissingData "breaching" so a canary that does not run alarms as one that fails
    @Test
    void theSystemCanaryRunsEveryFiveMinutesMayPublishTicksAloneAndAlarmsOnTwoFailedRunsInARow() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", Functions.SYSTEM_CANARY.handler(),
                "Timeout", Functions.SYSTEM_CANARY.timeoutSeconds(),
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "GRAPHQL_URL", Match.anyValue(), "REALTIME_URL", Match.anyValue(),
                        "API_KEY", Match.anyValue(), "MUTATIONS_PER_REQUEST", "25"))))));
        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(5 minutes)",
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", Match.stringLikeRegexp("SystemCanaryFunctionLive.*")),
                        "DeadLetterConfig", Match.anyValue()))))));
        // A failed check is not an error: an invocation is never retried, nor kept past the next run.
        template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Match.objectLike(Map.of(
                "FunctionName", Match.anyValue(), "MaximumRetryAttempts", 0, "MaximumEventAgeInSeconds", 300,
                "DestinationConfig", Match.objectLike(Map.of("OnFailure", Match.objectLike(Map.of(
                        "Destination", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("SystemCanaryFailures.*"),
                                "Arn")))))))));

        JsonNode policies = new ObjectMapper().valueToTree(template.findResources("AWS::IAM::Policy"));
        List<String> canaryActions = new ArrayList<>();
        policies.fields().forEachRemaining(p -> {
            if (p.getKey().startsWith("SystemCanaryFunctionRole")) {
                p.getValue().at("/Properties/PolicyDocument/Statement").forEach(st -> canaryActions.add(
                        st.path("Action") + " on " + st.path("Resource")));
            }
        });
        // Besides JavaFunction's tracing and the failure destination, which Lambda sends to with the role:
        // publishTick alone, and no table.
        List<String> graphql = canaryActions.stream().filter(a -> a.contains("appsync:")).toList();
        assertEquals(1, graphql.size(), canaryActions.toString());
        assertTrue(graphql.get(0).startsWith("\"appsync:GraphQL\" on ")
                && graphql.get(0).contains("/types/Mutation/fields/publishTick"), canaryActions.toString());
        assertEquals(3, canaryActions.size(), canaryActions.toString());
        assertTrue(canaryActions.stream().noneMatch(a -> a.contains("dynamodb:")), canaryActions.toString());
        assertTrue(canaryActions.stream().anyMatch(a -> a.contains("sqs:SendMessage")
                && a.contains("SystemCanaryFailures")), canaryActions.toString());

        JsonNode alarm = null;
        for (JsonNode r : json.path("Resources")) {
            if (r.path("Properties").path("AlarmDescription").asText().contains("\"CanaryFailed\"")) {
                alarm = r.path("Properties");
            }
        }
        assertTrue(alarm != null, "a CanaryFailed alarm");
        JsonNode stat = alarm.at("/Metrics/0/MetricStat");
        assertEquals("CanaryPassed", stat.at("/Metric/MetricName").asText(), alarm.toString());
        assertEquals("realtime-refarch-dev-system-canary", stat.at("/Metric/Dimensions/0/Value").asText());
        assertEquals("Minimum", stat.path("Stat").asText());
        assertEquals(300, stat.path("Period").asInt());
        assertEquals(2, alarm.path("EvaluationPeriods").asInt());
        assertEquals(2, alarm.path("DatapointsToAlarm").asInt());
        assertEquals("LessThanThreshold", alarm.path("ComparisonOperator").asText());
        assertEquals(1, alarm.path("Threshold").asInt());
        assertEquals("breaching", alarm.path("TreatMissingData").asText());
        assertTrue(dashboardBody(template).contains("CanaryTickLatencyMillis"));
    }

    @Test
    void theCanaryIntervalComesFromContextAndTheCanaryCanBeSwitchedOff() {
        Template every15 = observability(Map.of("canaryMinutes", 15));
        every15.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(15 minutes)")));
        JsonNode custom = new ObjectMapper().valueToTree(every15.toJSON());
        List<JsonNode> canaryAlarms = new ArrayList<>();
        for (JsonNode r : custom.path("Resources")) {
            JsonNode stat = r.path("Properties").at("/Metrics/0/MetricStat");
            if (r.path("Type").asText().equals("AWS::CloudWatch::Alarm")
                    && stat.at("/Metric/MetricName").asText().equals("CanaryPassed")) {
                canaryAlarms.add(stat);
            }
        }
        assertEquals(1, canaryAlarms.size(), canaryAlarms.toString());
        assertEquals(900, canaryAlarms.get(0).path("Period").asInt(), canaryAlarms.toString());
        Template off = observability(Map.of("canary", "off"));
        off.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", Functions.SYSTEM_CANARY.handler())), 0);
    }

    @Test
    void noStatementAllowsAWildcardAction() {
        IamAssertions.assertNoWildcardActions(template);
    }

    /** Each statement of the operator policy as "actions on resources", resources rendered as JSON. */
    private static List<String> operatorStatements(Template t) {
        JsonNode policies = new ObjectMapper().valueToTree(t.findResources("AWS::IAM::ManagedPolicy"));
        assertEquals(1, policies.size(), policies.toString());
        List<String> statements = new ArrayList<>();
        for (JsonNode statement : policies.elements().next().at("/Properties/PolicyDocument/Statement")) {
            statements.add(statement.path("Action") + " on " + statement.path("Resource")
                    + (statement.has("Condition") ? " if " + statement.path("Condition") : ""));
        }
        return statements;
    }

    @Test
    void operatorPolicyAllowsExactlyWhatTheCliTasksCallOnTheirOwnResources() {
        List<String> statements = operatorStatements(template);
        String all = String.join("\n", statements);
        assertEquals(7, statements.size(), all);
        assertTrue(statements.get(0).startsWith("[\"dynamodb:PutItem\",\"dynamodb:UpdateItem\"] on {\"Fn::ImportValue\":"
                + "\"realtime-refarch-dev-api:ExportsOutputFnGetAttReviewsTable"), all);
        assertTrue(statements.get(1).startsWith("\"s3:ListBucket\" on {\"Fn::ImportValue\":"
                + "\"realtime-refarch-dev-streaming:ExportsOutputFnGetAttTickConsumerFailureBucket"), all);
        assertTrue(statements.get(2).startsWith("[\"s3:DeleteObject\",\"s3:GetObject\",\"s3:PutObject\"] on "), all);
        assertTrue(statements.get(2).contains("TickConsumerFailureBucket") && statements.get(2).contains("\"/*\""), all);
        assertTrue(statements.get(3).startsWith("\"appsync:GraphQL\" on ") && statements.get(3).endsWith(
                "\"/types/Mutation/fields/publishTick\"]]}"), all);
        // system verify's streaming path: exactly InvokeFunction, on exactly the producer's live alias.
        assertTrue(statements.get(4).matches("\"lambda:InvokeFunction\" on \\{\"Fn::ImportValue\":"
                + "\"realtime-refarch-dev-streaming:ExportsOutputRefTickProducerLive[0-9A-F]+\"}"), all);
        assertEquals("\"cloudwatch:PutMetricData\" on \"*\" if {\"StringEquals\":{\"cloudwatch:namespace\":\""
                + Functions.METRICS_NAMESPACE + "\"}}", statements.get(5));
        assertTrue(statements.get(6).startsWith("\"cloudformation:DescribeStacks\" on [") && statements.get(6).contains(
                "stack/realtime-refarch-dev-api/*") && statements.get(6).contains("stack/realtime-refarch-dev-streaming/*")
                && statements.get(6).contains("stack/realtime-refarch-dev-web/*"), all);
        assertTrue(all.lines().filter(l -> l.contains("lambda:")).count() == 1, "no other Lambda action: " + all);
        template.hasOutput(ObservabilityStack.OPERATOR_POLICY_OUTPUT, Match.objectLike(Map.of()));
    }

    @Test
    void withoutStreamingTheOperatorPolicyCoversTheSeedAndTheVerifiersCanaryTicks() {
        List<String> statements = operatorStatements(observability(Map.of("streaming", "off")));
        assertEquals(3, statements.size(), statements.toString());
        assertTrue(statements.get(0).startsWith("[\"dynamodb:PutItem\",\"dynamodb:UpdateItem\"]"), statements.toString());
        // system verify publishes its canary ticks whether or not the market ticker is deployed.
        assertTrue(statements.get(1).startsWith("\"appsync:GraphQL\" on ") && statements.get(1).endsWith(
                "\"/types/Mutation/fields/publishTick\"]]}"), statements.toString());
        assertTrue(statements.get(2).startsWith("\"cloudformation:DescribeStacks\" on [")
                && statements.get(2).contains("stack/realtime-refarch-dev-web/*")
                && !statements.get(2).contains("streaming"), statements.toString());
        assertTrue(statements.stream().noneMatch(st -> st.contains("lambda:")), "no producer to invoke: " + statements);
    }
}
