package dev.refarch.realtime.infra.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.graphql.ApiDefinition;
import dev.refarch.realtime.graphql.TableContract;
import dev.refarch.realtime.infra.TestApps;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ApiStackTest {

    private static Template template;
    private static JsonNode json;

    @BeforeAll
    static void synth() {
        App app = TestApps.app(Map.of());
        template = Template.fromStack(TestApps.stack(app, "realtime-refarch-dev-api"));
        json = new ObjectMapper().valueToTree(template.toJSON());
    }

    @Test
    void apiKeyIsTheDefaultAuthAndIamTheAdditionalOneWithXrayAndErrorLogs() {
        template.hasResourceProperties("AWS::AppSync::GraphQLApi", Map.of(
                "AuthenticationType", "API_KEY",
                "AdditionalAuthenticationProviders", List.of(Map.of("AuthenticationType", "AWS_IAM")),
                "XrayEnabled", true,
                "LogConfig", Match.objectLike(Map.of("FieldLogLevel", "ERROR", "ExcludeVerboseContent", true))));
    }

    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-appsync-graphqlapi-enhancedmetricsconfig.html
    // (PER_RESOLVER_METRICS: metrics only for resolvers whose MetricsConfig is ENABLED; all three settings required)
    @Test
    void perResolverMetricsAreOnForTheVoteAndChatMutationsAlone() {
        template.hasResourceProperties("AWS::AppSync::GraphQLApi", Match.objectLike(Map.of(
                "EnhancedMetricsConfig", Map.of(
                        "ResolverLevelMetricsBehavior", "PER_RESOLVER_METRICS",
                        "DataSourceLevelMetricsBehavior", "PER_DATA_SOURCE_METRICS",
                        "OperationLevelMetricsConfig", "DISABLED"))));
        java.util.TreeMap<String, String> byField = new java.util.TreeMap<>();
        json.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::AppSync::Resolver")) {
                JsonNode props = r.path("Properties");
                byField.put(props.path("TypeName").asText() + "." + props.path("FieldName").asText(),
                        props.path("MetricsConfig").asText());
            }
        });
        assertEquals(ApiDefinition.load().resolvers().size(), byField.size(), byField.toString());
        byField.forEach((field, metrics) -> assertEquals(
                field.equals("Mutation.vote") || field.equals("Mutation.sendMessage") ? "ENABLED" : "DISABLED",
                metrics, field));
        // No data source opts in, so PER_DATA_SOURCE_METRICS emits none.
        json.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::AppSync::DataSource")) {
                assertTrue(r.at("/Properties/MetricsConfig").isMissingNode()
                        || r.at("/Properties/MetricsConfig").asText().equals("DISABLED"), r.toString());
            }
        });
    }

    @Test
    void apiKeyExpiresTheConfiguredDaysAfterTheStartOfTheSynthDay() {
        long expected = Instant.parse("2027-11-22T00:00:00Z").getEpochSecond();
        template.hasResourceProperties("AWS::AppSync::ApiKey", Map.of("Expires", expected));
    }

    @Test
    void schemaIsTheGraphqlModulesSchema() {
        template.hasResourceProperties("AWS::AppSync::GraphQLSchema",
                Map.of("Definition", ApiDefinition.load().schema()));
    }

    @Test
    void tablesAreOnDemandEncryptedWithPointInTimeRecoveryAndDestroyedInDev() {
        template.resourceCountIs("AWS::DynamoDB::Table", 3);
        for (String key : List.of("reaction", "pk", "symbol")) {
            template.hasResource("AWS::DynamoDB::Table", Map.of(
                    "Properties", Match.objectLike(Map.of(
                            "KeySchema", List.of(Map.of("AttributeName", key, "KeyType", "HASH")),
                            "BillingMode", "PAY_PER_REQUEST",
                            "SSESpecification", Map.of("SSEEnabled", true),
                            "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true))),
                    "DeletionPolicy", "Delete"));
        }
    }

    @Test
    void prodRetainsAndProtectsTablesAndKeepsLogsAYear() {
        App app = TestApps.app(Map.of("stage", "prod"));
        Template prod = Template.fromStack(TestApps.stack(app, "realtime-refarch-prod-api"));
        prod.allResources("AWS::DynamoDB::Table", Map.of(
                "Properties", Match.objectLike(Map.of("DeletionProtectionEnabled", true)),
                "DeletionPolicy", "Retain"));
        prod.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 365));
    }

    @Test
    void everyManifestResolverIsDeployedWithItsTemplatesAndDataSource() {
        ApiDefinition definition = ApiDefinition.load();
        template.resourceCountIs("AWS::AppSync::Resolver", definition.resolvers().size());
        for (ApiDefinition.Resolver r : definition.resolvers()) {
            template.hasResourceProperties("AWS::AppSync::Resolver", Match.objectLike(Map.of(
                    "TypeName", r.type(),
                    "FieldName", r.field(),
                    "Kind", "UNIT",
                    "RequestMappingTemplate", r.requestTemplate(),
                    "ResponseMappingTemplate", r.responseTemplate())));
        }
        template.hasResourceProperties("AWS::AppSync::DataSource", Map.of("Name", "LocalBroadcast", "Type", "NONE",
                "ApiId", Match.anyValue()));
        template.hasResourceProperties("AWS::AppSync::DataSource", Match.objectLike(Map.of(
                "Name", "ReviewsTable", "Type", "AMAZON_DYNAMODB")));
    }

    // When a condition fails AppSync itself reads the item with the data source's role, so every data source
    // with a conditional resolver also allows GetItem (https://docs.aws.amazon.com/appsync/latest/devguide/
    // aws-appsync-resolver-mapping-template-reference-dynamodb-condition-expressions.html, "Handling a
    // condition check failure").
    @Test
    void dataSourceRolesAllowExactlyTheOperationsTheirTemplatesRunOnTheirTable() {
        // reviews: Scan; vote: UpdateItem with a condition on movieId (GetItem when it fails).
        template.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of(
                "Policies", List.of(Map.of("PolicyName", "Resolvers", "PolicyDocument", Match.objectLike(Map.of(
                        "Statement", List.of(Map.of(
                                "Action", List.of("dynamodb:GetItem", "dynamodb:Scan", "dynamodb:UpdateItem"),
                                "Effect", "Allow",
                                "Resource", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ReviewsTable.*"), "Arn")))))))))));
        // currentMovie: GetItem; setCurrentMovie: PutItem with a condition on the rotation (GetItem again).
        template.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of(
                "Policies", List.of(Map.of("PolicyName", "Resolvers", "PolicyDocument", Match.objectLike(Map.of(
                        "Statement", List.of(Map.of(
                                "Action", List.of("dynamodb:GetItem", "dynamodb:PutItem"),
                                "Effect", "Allow",
                                "Resource", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("MoviesTable.*"), "Arn")))))))))));
        // publishTick: a conditional PutItem (GetItem when it fails); latestTicks: BatchGetItem. Nothing else,
        // on the ticks table alone.
        template.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of(
                "Policies", List.of(Map.of("PolicyName", "Resolvers", "PolicyDocument", Match.objectLike(Map.of(
                        "Statement", List.of(Map.of(
                                "Action", List.of("dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem"),
                                "Effect", "Allow",
                                "Resource", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("TicksTable.*"), "Arn")))))))))));
    }

    @Test
    void apiEnvironmentVariablesNameEveryTableForTheTemplatesThatMustNameOne() {
        // BatchGetItem templates name their table; AppSync gives templates the API's variables as $ctx.env
        // (https://docs.aws.amazon.com/appsync/latest/devguide/environment-variables.html).
        JsonNode variables = json.findParents("EnvironmentVariables").get(0).get("EnvironmentVariables");
        assertEquals(4, variables.size(), variables.toString());
        // and the one configuration variable the resolvers read: the vote resolver's shard count.
        assertEquals("1", variables.path("VOTE_SHARDS").asText(), "cdk.json voteShards, as a String");
        for (Map.Entry<String, String> table : Map.of("TABLE_REVIEWS", "ReviewsTable", "TABLE_MOVIES", "MoviesTable",
                "TABLE_TICKS", "TicksTable").entrySet()) {
            assertTrue(variables.at("/" + table.getKey() + "/Ref").asText().startsWith(table.getValue()), variables.toString());
        }
        template.hasResourceProperties("AWS::AppSync::Resolver", Match.objectLike(Map.of(
                "FieldName", "latestTicks",
                "RequestMappingTemplate", Match.stringLikeRegexp(".*\\$util\\.toJson\\(\\$ctx\\.env\\.TABLE_TICKS\\).*"))));
    }

    @Test
    void deploySeedsEachReviewsRowOnlyWhereMissing() {
        template.resourceCountIs("Custom::ReviewsRow", 5);
        for (String reaction : TableContract.Reviews.REACTIONS) {
            String create = json.findParents("Create").stream()
                    .map(p -> p.get("Create").toString())
                    .filter(c -> c.contains("\\\"S\\\":\\\"" + reaction + "\\\""))
                    .findFirst().orElseThrow(() -> new AssertionError("no seeding call for " + reaction));
            assertTrue(create.contains("PutItem"), create);
            assertTrue(create.contains("attribute_not_exists(#reaction)"), create);
            assertTrue(create.contains("ignoreErrorCodesMatching\\\":\\\"ConditionalCheckFailedException"), create);
        }
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Role", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ReviewsSeedIdentityRole.*"), "Arn")))));
        template.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of(
                "Policies", List.of(Map.of("PolicyName", "SdkCalls", "PolicyDocument", Match.objectLike(Map.of(
                        "Statement", Match.arrayWith(List.of(Map.of(
                                "Action", "dynamodb:PutItem",
                                "Effect", "Allow",
                                "Resource", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ReviewsTable.*"), "Arn"))))))))))));
    }

    @Test
    void noIamStatementUsesAWildcardAction() {
        IamAssertions.assertNoWildcardActions(template);
    }

    @Test
    void outputsNameTheEndpointsKeyAndTables() {
        for (String key : List.of(ApiStack.GRAPHQL_URL_OUTPUT, ApiStack.REALTIME_URL_OUTPUT, ApiStack.API_ID_OUTPUT,
                ApiStack.API_KEY_OUTPUT, ApiStack.REVIEWS_TABLE_OUTPUT, ApiStack.MOVIES_TABLE_OUTPUT,
                ApiStack.TICKS_TABLE_OUTPUT)) {
            template.hasOutput(key, Match.anyValue());
        }
        assertEquals("RealtimeUrl", json.at("/Outputs/RealtimeUrl/Value/Fn::GetAtt/1").asText());
        assertTrue(json.at("/Outputs/ReviewsTableName/Value/Ref").asText().startsWith("ReviewsTable"));
        assertTrue(json.at("/Outputs/TicksTableName/Value/Ref").asText().startsWith("TicksTable"));
    }

    @Test
    void reviewsTableStreamsNewImagesAndTheOtherTablesNone() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "reaction", "KeyType", "HASH")),
                "StreamSpecification", Map.of("StreamViewType", "NEW_IMAGE"))));
        for (String key : List.of("pk", "symbol")) {
            template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                    "KeySchema", List.of(Map.of("AttributeName", key, "KeyType", "HASH")),
                    "StreamSpecification", Match.absent())));
        }
    }

    /**
     * One batch per shard at a time (ParallelizationFactor 1) so one environment paces the shard;
     * no batching window (whole seconds only); partial batch responses, bisection, bounded retries
     * and an on-failure destination (services-ddb-params.html, services-ddb-batchfailurereporting.html).
     */
    @Test
    void broadcasterMappingReadsTheReviewsStreamOneBatchPerShardWithBoundedRetriesAndAFailureQueue() {
        template.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "EventSourceArn", Map.of("Fn::GetAtt", List.of(logicalId("ReviewsTable", "AWS::DynamoDB::Table"),
                        "StreamArn")),
                "StartingPosition", "LATEST",
                "BatchSize", 10000,
                "ParallelizationFactor", 1,
                "BisectBatchOnFunctionError", true,
                "MaximumRetryAttempts", 5,
                "MaximumRecordAgeInSeconds", 300,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Map.of("Fn::GetAtt",
                        List.of(logicalId("ReviewBroadcasterFailureQueue", "AWS::SQS::Queue"), "Arn")))))));
        JsonNode mapping = resources("AWS::Lambda::EventSourceMapping").get(0);
        assertTrue(mapping.at("/Properties/MaximumBatchingWindowInSeconds").isMissingNode(), mapping.toString());
        assertTrue(mapping.at("/Properties/FunctionName").toString().contains("ReviewBroadcasterFunctionLive")
                        && mapping.at("/Properties/FunctionName").toString().contains(":live"),
                "the mapping invokes the live alias, so SnapStart serves it: " + mapping);
        template.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 1209600));
    }

    @Test
    void broadcasterIsJava25WithSnapStartAndTheConfiguredInterval() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.refarch.realtime.broadcaster.ReviewBroadcasterHandler::handleRequest",
                "Runtime", "java25",
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "Environment", Map.of("Variables", Match.objectLike(Map.of("REVIEW_BROADCAST_MILLIS", "500",
                        "POWERTOOLS_SERVICE_NAME", "realtime-refarch-dev-review-broadcaster"))))));
        Template fast = Template.fromStack(TestApps.stack(TestApps.app(Map.of("reviewBroadcastMillis", 250)),
                "realtime-refarch-dev-api"));
        fast.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Environment", Map.of("Variables", Match.objectLike(Map.of("REVIEW_BROADCAST_MILLIS", "250"))))));
    }

    @Test
    void broadcasterMayCallPublishReviewsAndPublishReviewAndNoOtherField() {
        List<String> fields = new java.util.ArrayList<>();
        for (JsonNode statement : json.findValues("Statement")) {
            statement.forEach(s -> {
                if (s.path("Action").toString().contains("appsync:GraphQL")) {
                    JsonNode resource = s.path("Resource");
                    if (resource.isArray()) {
                        resource.forEach(r -> fields.add(r.toString()));
                    } else {
                        fields.add(resource.toString());
                    }
                }
            });
        }
        assertEquals(2, fields.size(), fields.toString());
        assertTrue(fields.stream().anyMatch(f -> f.contains("/types/Mutation/fields/publishReviews\"")), fields.toString());
        assertTrue(fields.stream().anyMatch(f -> f.contains("/types/Mutation/fields/publishReview\"")), fields.toString());
    }

    @Test
    void broadcasterMayReadAndConditionallyWriteTheSlotItemOfTheMoviesTableOnlyAndKnowsTheTable() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.refarch.realtime.broadcaster.ReviewBroadcasterHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "MOVIES_TABLE", Map.of("Ref", Match.stringLikeRegexp("MoviesTable.*"))))))));
        List<JsonNode> slot = new java.util.ArrayList<>();
        for (JsonNode policy : json.findValues("PolicyDocument")) {
            policy.path("Statement").forEach(st -> {
                if (st.path("Resource").toString().contains("MoviesTable")
                        && st.path("Action").toString().contains("dynamodb:UpdateItem")
                        && !st.path("Action").toString().contains("dynamodb:PutItem")) {
                    slot.add(st);
                }
            });
        }
        assertEquals(1, slot.size(), slot.toString());
        JsonNode statement = slot.get(0);
        assertEquals("[\"dynamodb:GetItem\",\"dynamodb:UpdateItem\"]", statement.path("Action").toString());
        // The one item (the partition key of every item named must be the slot's), and a key must be named.
        JsonNode condition = statement.path("Condition");
        assertEquals(List.of("ForAllValues:StringEquals", "Null"), fieldNames(condition), condition.toString());
        JsonNode keys = condition.path("ForAllValues:StringEquals").path("dynamodb:LeadingKeys");
        assertEquals(TableContract.Movies.BROADCAST_SLOT, keys.isArray() && keys.size() == 1 ? keys.get(0).asText()
                : keys.asText(), condition.toString());
        assertEquals("false", condition.path("Null").path("dynamodb:LeadingKeys").asText(), condition.toString());
        assertTrue(statement.path("Resource").isObject(), "the table itself, no index: " + statement.path("Resource"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void broadcasterKnowsTheShardCountAndMayReadTheReviewsShardsInBatchesOnly() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.refarch.realtime.broadcaster.ReviewBroadcasterHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("VOTE_SHARDS", "1",
                        "REVIEWS_TABLE", Map.of("Ref", Match.stringLikeRegexp("ReviewsTable.*"))))))));
        List<String> reads = new java.util.ArrayList<>();
        for (JsonNode statement : json.findValues("Statement")) {
            statement.forEach(st -> {
                if (st.path("Action").toString().contains("dynamodb:BatchGetItem")
                        && st.path("Resource").toString().contains("ReviewsTable")) {
                    reads.add(st.path("Action").toString());
                }
            });
        }
        assertEquals(List.of("\"dynamodb:BatchGetItem\""), reads, "one grant, one action, on the Reviews table");
    }

    private static String logicalId(String prefix, String type) {
        java.util.Iterator<Map.Entry<String, JsonNode>> it = json.path("Resources").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith(prefix) && e.getValue().path("Type").asText().equals(type)) {
                return e.getKey();
            }
        }
        throw new AssertionError("no " + type + " starting with " + prefix);
    }

    private static List<JsonNode> resources(String type) {
        List<JsonNode> found = new java.util.ArrayList<>();
        json.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals(type)) {
                found.add(r);
            }
        });
        return found;
    }
}
