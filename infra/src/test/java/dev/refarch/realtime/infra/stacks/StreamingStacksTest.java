package dev.refarch.realtime.infra.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.TestApps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class StreamingStacksTest {

    private static Template network;
    private static Template streaming;
    private static JsonNode streamingJson;

    @BeforeAll
    static void synth() {
        App app = TestApps.app(Map.of());
        network = Template.fromStack(TestApps.stack(app, "realtime-refarch-dev-network"));
        streaming = Template.fromStack(TestApps.stack(app, "realtime-refarch-dev-streaming"));
        streamingJson = new ObjectMapper().valueToTree(streaming.toJSON());
    }

    @Test
    void streamingOffLeavesOutTheNetworkAndStreamingStacks() {
        App app = TestApps.app(Map.of("streaming", "off"));
        assertNull(app.getNode().tryFindChild("realtime-refarch-dev-network"));
        assertNull(app.getNode().tryFindChild("realtime-refarch-dev-streaming"));
        assertTrue(app.getNode().tryFindChild("realtime-refarch-dev-movies") != null);
    }

    @Test
    void vpcSpansTwoZonesWithConfiguredNatFlowLogsAndEndpoints() {
        network.resourceCountIs("AWS::EC2::Subnet", 4);
        network.resourceCountIs("AWS::EC2::NatGateway", 1);
        network.resourceCountIs("AWS::EC2::FlowLog", 1);
        network.resourceCountIs("AWS::EC2::VPCEndpoint", 4);
        for (String service : List.of("sts", "secretsmanager", "lambda")) {
            network.hasResourceProperties("AWS::EC2::VPCEndpoint", Match.objectLike(Map.of(
                    "VpcEndpointType", "Interface",
                    "PrivateDnsEnabled", true,
                    "ServiceName", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                            Match.arrayWith(List.of("." + service)))))))));
        }
        Template twoNats = Template.fromStack(TestApps.stack(TestApps.app(Map.of("natGateways", 2)),
                "realtime-refarch-dev-network"));
        twoNats.resourceCountIs("AWS::EC2::NatGateway", 2);
    }

    @Test
    void clusterUsesTlsScramAndTheCustomerKey() {
        streaming.hasResourceProperties("AWS::MSK::Cluster", Match.objectLike(Map.of(
                "KafkaVersion", "3.9.x",
                "NumberOfBrokerNodes", 2,
                "BrokerNodeGroupInfo", Match.objectLike(Map.of("InstanceType", "kafka.t3.small")),
                "ClientAuthentication", Map.of(
                        "Sasl", Map.of("Scram", Map.of("Enabled", true)),
                        "Unauthenticated", Map.of("Enabled", false)),
                "EncryptionInfo", Map.of(
                        "EncryptionAtRest", Map.of("DataVolumeKMSKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("MskKey.*"), "Arn"))),
                        "EncryptionInTransit", Map.of("ClientBroker", "TLS", "InCluster", true)),
                "LoggingInfo", Match.objectLike(Map.of("BrokerLogs", Match.objectLike(Map.of(
                        "CloudWatchLogs", Match.objectLike(Map.of("Enabled", true)))))))));
        streaming.hasResourceProperties("AWS::KMS::Key", Match.objectLike(Map.of("EnableKeyRotation", true)));
    }

    @Test
    void scramSecretIsNamedForMskEncryptedWithTheKeyAndAssociated() {
        streaming.hasResourceProperties("AWS::SecretsManager::Secret", Match.objectLike(Map.of(
                "Name", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of("AmazonMSK_realtime-refarch_dev_")))),
                "KmsKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("MskKey.*"), "Arn")),
                "GenerateSecretString", Match.objectLike(Map.of(
                        "SecretStringTemplate", "{\"username\":\"realtime\"}",
                        "GenerateStringKey", "password")))));
        streaming.hasResourceProperties("AWS::MSK::BatchScramSecret", Map.of(
                "ClusterArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("MskCluster.*"), "Arn")),
                "SecretArnList", List.of(Map.of("Ref", Match.stringLikeRegexp("MskScramSecret.*")))));
    }

    @Test
    void brokersAcceptScramTlsOnlyFromTheirClients() {
        streaming.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Match.objectLike(Map.of(
                "IpProtocol", "tcp", "FromPort", 9096, "ToPort", 9096,
                "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("MskClientSecurityGroup.*"), "GroupId")))));
        List<Integer> openPorts = new ArrayList<>();
        streamingJson.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::EC2::SecurityGroupIngress")
                    || r.path("Type").asText().equals("AWS::EC2::SecurityGroup")) {
                JsonNode ingress = r.path("Type").asText().equals("AWS::EC2::SecurityGroup")
                        ? r.at("/Properties/SecurityGroupIngress") : r.path("Properties");
                ingress.findValues("CidrIp").forEach(cidr -> assertFalse(cidr.asText().equals("0.0.0.0/0"), r.toString()));
                ingress.findValues("FromPort").forEach(p -> openPorts.add(p.asInt()));
            }
        });
        assertTrue(openPorts.stream().allMatch(p -> p == 9096 || p == 443), openPorts.toString());
    }

    @Test
    void topicIsCreatedAtDeployWithConfiguredPartitionsAndReplicas() {
        streaming.hasResourceProperties("Custom::KafkaTopic", Match.objectLike(Map.of(
                "Topic", "market-ticks", "Partitions", "10", "ReplicationFactor", "2")));
        streaming.resourceCountIs("AWS::EC2::Instance", 0);
    }

    @Test
    void topicWaitsForTheScramAssociationAndTheConsumerForTheTopic() {
        JsonNode resources = streamingJson.path("Resources");
        String association = logicalId("AWS::MSK::BatchScramSecret");
        String topic = logicalId("Custom::KafkaTopic");
        assertTrue(resources.path(topic).path("DependsOn").toString().contains(association),
                resources.path(topic).toString());
        String mapping = logicalId("AWS::Lambda::EventSourceMapping");
        assertTrue(resources.path(mapping).path("DependsOn").toString().contains(topic),
                resources.path(mapping).toString());
    }

    private static String logicalId(String type) {
        List<String> ids = new ArrayList<>();
        streamingJson.path("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals(type)) {
                ids.add(e.getKey());
            }
        });
        assertEquals(1, ids.size(), type + ": " + ids);
        return ids.get(0);
    }

    @Test
    void consumerReadsThroughAScramEventSourceMappingWithPartialBatchResponses() {
        streaming.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "Topics", List.of("market-ticks"),
                "SourceAccessConfigurations", List.of(Map.of("Type", "SASL_SCRAM_512_AUTH",
                        "URI", Map.of("Ref", Match.stringLikeRegexp("MskScramSecret.*")))),
                "ProvisionedPollerConfig", Match.objectLike(Map.of("MinimumPollers", 1)),
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "MaximumRetryAttempts", 10,
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination",
                        Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("TickConsumerFailureBucket.*"), "Arn")))))));
        // The poison queue stays: the consumer parks records there itself.
        streaming.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of("SqsManagedSseEnabled", true)));
        streaming.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "FAILURE_QUEUE_URL", Map.of("Ref", Match.stringLikeRegexp("FailureQueue.*"))))))));
        streaming.hasOutput(StreamingStack.FAILURE_QUEUE_OUTPUT, Match.anyValue());
    }

    // https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (MaximumBatchingWindowInSeconds:
    // 0 to 300 s in whole seconds; 500 ms by default for Amazon MSK; only streams and SQS need at least 1 s above a
    // batch size of 10) and https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-parameters.html
    @Test
    void tickerMappingInvokesWithoutABatchingWindow() {
        // Explicitly 0: leaving it out would mean MSK's 500 ms default.
        streaming.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "Topics", List.of("market-ticks"),
                "BatchSize", Functions.CONSUMER_BATCH_SIZE,
                "MaximumBatchingWindowInSeconds", 0)));
    }

    @Test
    void consumerDeliversEveryTickByDefaultAndConflatesOldBatchesWhenConfigured() {
        streaming.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "TICK_DELIVERY", "all", "TICK_CONFLATE_AFTER_SECONDS", "30"))))));
        Template latest = Template.fromStack(TestApps.stack(TestApps.app(Map.of("tickDelivery", "latest",
                "tickConflateAfterSeconds", 120)), "realtime-refarch-dev-streaming"));
        latest.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "TICK_DELIVERY", "latest", "TICK_CONFLATE_AFTER_SECONDS", "120"))))));
    }

    @Test
    void consumerTimeoutLetsElevenInvocationsOutlastAThirtyMinuteOutage() {
        JsonNode consumer = function("dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest");
        assertEquals(300, consumer.path("Timeout").asInt());
        int retries = streamingJson.at("/Resources/" + logicalId("AWS::Lambda::EventSourceMapping")
                + "/Properties/MaximumRetryAttempts").asInt();
        // The mapping invokes a failing batch 1 + retries times; each invocation retries AppSync until
        // close to its deadline. Even stopping a minute early, the budget must outlast 30 minutes.
        assertEquals(10, retries);
        assertTrue((1 + retries) * (consumer.path("Timeout").asInt() - 60) >= 30 * 60,
                "11 invocations of about 5 minutes must cover a 30-minute outage");
    }

    @Test
    void failureBucketKeepsWholeBatchesEncryptedPrivateAndExpiring() {
        streaming.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Match.objectLike(Map.of(
                        "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256"))))),
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
                        "ExpirationInDays", 30, "Status", "Enabled")))))));
        streaming.hasResourceProperties("AWS::S3::BucketPolicy", Match.objectLike(Map.of(
                "PolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))))));
        streaming.hasOutput(StreamingStack.FAILURE_BUCKET_OUTPUT, Match.objectLike(Map.of(
                "Value", Map.of("Ref", Match.stringLikeRegexp("TickConsumerFailureBucket.*")))));
        // system verify invokes the producer's live alias (the one the schedule invokes), by its ARN.
        streaming.hasOutput(StreamingStack.PRODUCER_FUNCTION_OUTPUT, Match.objectLike(Map.of(
                "Value", Map.of("Ref", Match.stringLikeRegexp("TickProducerLive.*")))));
        // dev: deleted with its objects; prod: retained.
        streaming.hasResource("AWS::S3::Bucket", Match.objectLike(Map.of("DeletionPolicy", "Delete")));
        streaming.resourceCountIs("Custom::S3AutoDeleteObjects", 1);
        Template prod = Template.fromStack(TestApps.stack(TestApps.app(Map.of("stage", "prod", "failureRetentionDays", 7)),
                "realtime-refarch-prod-streaming"));
        prod.hasResource("AWS::S3::Bucket", Match.objectLike(Map.of("DeletionPolicy", "Retain")));
        prod.resourceCountIs("Custom::S3AutoDeleteObjects", 0);
        prod.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of("ExpirationInDays", 7)))))));
    }

    @Test
    void onlyTheMappingMayWriteTheFailureBucketAndThroughAnS3GatewayEndpoint() {
        List<String> s3Actions = new ArrayList<>();
        streamingJson.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::IAM::Policy")) {
                r.at("/Properties/PolicyDocument/Statement").forEach(st -> CfnModel.list(st.path("Action")).forEach(a -> {
                    if (a.asText().startsWith("s3:")) {
                        s3Actions.add(a.asText());
                    }
                }));
            }
        });
        assertEquals(List.of("s3:PutObject", "s3:ListBucket"), s3Actions);
        network.hasResourceProperties("AWS::EC2::VPCEndpoint", Match.objectLike(Map.of(
                "VpcEndpointType", "Gateway",
                "ServiceName", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                        Match.arrayWith(List.of(".s3")))))))));
    }

    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html (a reservation must leave the
    // account 100 unreserved): by default nothing is reserved, so the stack deploys in any account; runs are
    // bounded by their schedule slot instead (TickProducerIntegrationTest, overlapping runs)
    @Test
    void producerReservesNoConcurrencyUnlessConfiguredAndIsNeverRetriedAsynchronously() {
        JsonNode producer = function("dev.refarch.realtime.producer.TickProducerHandler::handleRequest");
        assertTrue(producer.path("ReservedConcurrentExecutions").isMissingNode(), producer.toString());
        streaming.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("TickProducerFunction.*")),
                "Qualifier", Match.anyValue(),
                "MaximumRetryAttempts", 0,
                "MaximumEventAgeInSeconds", 60));
        streaming.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", Match.stringLikeRegexp("TickProducerLive.*")),
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 0)))))));

        Template reserved = Template.fromStack(TestApps.stack(TestApps.app(Map.of("producerReservedConcurrency", "on")),
                "realtime-refarch-dev-streaming"));
        reserved.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.refarch.realtime.producer.TickProducerHandler::handleRequest",
                "ReservedConcurrentExecutions", 1)));
    }

    @Test
    void networkInterfaceActionsNameTheSubnetsAndGroupWhereAwsAllows() {
        // Identity policies only: a key policy's Resource is always "*" (the key itself).
        streamingJson.path("Resources").forEach(r -> (r.path("Type").asText().startsWith("AWS::IAM::")
                ? r.findValues("Statement") : List.<JsonNode>of()).forEach(list -> list.forEach(st -> {
            List<String> actions = CfnModel.list(st.path("Action")).stream().map(JsonNode::asText).toList();
            boolean onStar = CfnModel.list(st.path("Resource")).stream().anyMatch(CfnModel::isStar);
            if (onStar) {
                // Only actions with no resource-level permissions (Describe*, X-Ray) may name "*".
                actions.forEach(a -> assertTrue(a.startsWith("ec2:Describe") || a.startsWith("xray:"), a));
            }
            if (actions.contains("ec2:CreateNetworkInterface")) {
                String resources = st.path("Resource").toString();
                assertTrue(resources.contains(":subnet/") && resources.contains(":security-group/")
                        && resources.contains(":network-interface/*"), resources);
            }
        })));
    }

    private static JsonNode function(String handler) {
        for (JsonNode r : streamingJson.path("Resources")) {
            if (r.path("Type").asText().equals("AWS::Lambda::Function")
                    && r.at("/Properties/Handler").asText().equals(handler)) {
                return r.path("Properties");
            }
        }
        throw new AssertionError("no function " + handler);
    }

    @Test
    void consumerMayPublishTicksOnlyAndHasNoManagedPolicy() {
        List<String> graphqlResources = new ArrayList<>();
        streamingJson.findValues("Statement").forEach(list -> list.forEach(st -> {
            if (st.path("Action").asText().equals("appsync:GraphQL")) {
                graphqlResources.add(st.path("Resource").toString());
            }
        }));
        assertEquals(1, graphqlResources.size(), graphqlResources.toString());
        assertTrue(graphqlResources.get(0).contains("/types/Mutation/fields/publishTick\""));
        streamingJson.path("Resources").fields().forEachRemaining(e -> {
            // CDK's auto-delete provider (dev's failure bucket) is CDK's own role with Lambda's basic policy.
            if (e.getValue().path("Type").asText().equals("AWS::IAM::Role")
                    && !e.getKey().startsWith(IamAssertions.AUTO_DELETE_ROLE)) {
                assertTrue(e.getValue().at("/Properties/ManagedPolicyArns").isMissingNode(), e.toString());
            }
        });
    }

    @Test
    void producerAndTopicFunctionsRunInThePrivateSubnetsWithTheClientGroup() {
        streaming.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.refarch.realtime.producer.TickProducerHandler::handleRequest",
                "VpcConfig", Match.objectLike(Map.of("SecurityGroupIds", List.of(
                        Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("MskClientSecurityGroup.*"), "GroupId"))))))));
        streaming.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of("ScheduleExpression", "rate(1 minute)")));
    }

    @Test
    void noIamStatementUsesAWildcardAction() {
        IamAssertions.assertNoWildcardActions(network);
        IamAssertions.assertNoWildcardActions(streaming);
    }
}
