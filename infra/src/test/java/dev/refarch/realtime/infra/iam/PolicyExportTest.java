package dev.refarch.realtime.infra.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.ApiDefinition;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.TestApps;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The policy export of the real app (cdk.json's context): what the local run will enforce must be
 * what the templates grant, with every intrinsic resolved into a placeholder it can bind.
 */
class PolicyExportTest {

    private static final JsonNode EXPORT = PolicyExport.export(TestApps.app(Map.of()));

    private static final String ACCOUNT_ARN = "arn:${AWS::Partition}:%s:${AWS::Region}:${AWS::AccountId}:%s";

    /** The statements of every policy attached to the role {@code principal} runs as. */
    private static List<JsonNode> statementsOf(String principal) {
        String role = EXPORT.path("principals").path(principal).asText();
        assertTrue(EXPORT.path("roles").has(role), principal + " runs as " + role + ", which is not exported");
        List<JsonNode> statements = new ArrayList<>();
        EXPORT.path("roles").path(role).path("policies").forEach(p -> p.path("statements").forEach(statements::add));
        return statements;
    }

    private static boolean allows(List<JsonNode> statements, String action, String resource) {
        return statements.stream().anyMatch(s -> s.path("effect").asText().equals("Allow")
                && contains(s.path("action"), action) && contains(s.path("resource"), resource));
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode element : array) {
            if (element.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static void eachString(JsonNode node, Consumer<String> check) {
        if (node.isContainerNode()) {
            node.fieldNames().forEachRemaining(check);
            node.forEach(child -> eachString(child, check));
        } else {
            assertTrue(node.isTextual(), "not a string: " + node);
            check.accept(node.asText());
        }
    }

    @Test
    void tickConsumerMayPublishTicksRecordFailuresAndWriteTheFailureBucket() {
        List<JsonNode> consumer = statementsOf("function:" + Functions.TICK_CONSUMER.handler());

        assertTrue(allows(consumer, "sqs:SendMessage", "${streaming/FailureQueue/Resource.Arn}"), consumer::toString);
        // The API is another stack's: its id reaches this template through Fn::ImportValue.
        assertTrue(allows(consumer, "appsync:GraphQL", ACCOUNT_ARN.formatted("appsync",
                "apis/${api/Api/GraphqlApi/Resource.ApiId}/types/Mutation/fields/publishTick")), consumer::toString);
        assertTrue(allows(consumer, "s3:PutObject", "${streaming/TickConsumer/FailureBucket/Resource.Arn}/*"),
                consumer::toString);
        assertTrue(consumer.stream().noneMatch(s -> contains(s.path("action"), "dynamodb:PutItem")),
                "the consumer writes ticks through AppSync only");
    }

    @Test
    void theOperatorPolicyIsAPrincipalOfItsOwnWithTheCliTasksPermissions() {
        List<JsonNode> operator = statementsOf("managedPolicy:observability/OperatorPolicy/Resource/Resource");

        assertTrue(allows(operator, "dynamodb:UpdateItem", "${api/ReviewsTable/Resource.Arn}"), operator::toString);
        assertTrue(allows(operator, "s3:GetObject", "${streaming/TickConsumer/FailureBucket/Resource.Arn}/*"),
                operator::toString);
        assertTrue(allows(operator, "appsync:GraphQL",
                "${api/Api/GraphqlApi/Resource.Arn}/types/Mutation/fields/publishTick"), operator::toString);
        // Through Fn::ImportValue into the streaming stack: the producer's live alias, which the local run binds.
        assertTrue(allows(operator, "lambda:InvokeFunction", "${streaming/TickProducer/Live/Resource.Ref}"),
                operator::toString);
    }

    @Test
    void ticksDataSourceMayReadAndWriteOnlyTheTicksTable() {
        List<JsonNode> ticks = statementsOf("dataSource:TicksTable");

        assertTrue(allows(ticks, "dynamodb:GetItem", "${api/TicksTable/Resource.Arn}"), ticks::toString);
        assertTrue(allows(ticks, "dynamodb:PutItem", "${api/TicksTable/Resource.Arn}"), ticks::toString);
        assertFalse(allows(ticks, "dynamodb:GetItem", "${api/ReviewsTable/Resource.Arn}"), ticks::toString);
    }

    @Test
    void mskKeyPolicyIsListedWithItsPrincipalsAndEncryptsTheScramSecret() {
        JsonNode key = EXPORT.at("/resources/streaming~1Msk~1Key~1Resource");
        assertEquals("AWS::KMS::Key", key.path("type").asText());
        Set<String> principals = new HashSet<>();
        key.path("policy").forEach(s -> s.at("/principal/AWS").forEach(p -> principals.add(p.asText())));
        assertEquals(Set.of("arn:${AWS::Partition}:iam::${AWS::AccountId}:root",
                "${streaming/TickProducer/Role/Resource.Arn}", "${streaming/TopicProvisioner/Role/Resource.Arn}"),
                principals);
        assertTrue(key.path("policy").findValues("kms:ViaService").stream()
                .allMatch(v -> contains(v, "secretsmanager.${AWS::Region}.amazonaws.com")), key::toString);

        JsonNode secret = EXPORT.at("/resources/streaming~1Msk~1ScramSecret~1Resource");
        assertEquals("AWS::SecretsManager::Secret", secret.path("type").asText());
        assertEquals("${streaming/Msk/Key/Resource.Arn}", secret.path("kmsKeyId").asText());
    }

    @Test
    void queueAndBucketPoliciesAreListedUnderTheirQueueAndBucket() {
        JsonNode queue = EXPORT.at("/resources/streaming~1FailureQueue~1Resource");
        assertEquals("AWS::SQS::Queue", queue.path("type").asText());
        JsonNode deny = queue.path("policy").path(0);
        assertEquals("Deny", deny.path("effect").asText());
        assertEquals("[\"*\"]", deny.at("/principal/AWS").toString());
        assertEquals("[\"false\"]", deny.at("/condition/Bool/aws:SecureTransport").toString());

        assertEquals("AWS::S3::Bucket", EXPORT.at("/resources/streaming~1TickConsumer~1FailureBucket~1Resource/type").asText());
    }

    @Test
    void everyFunctionAndDynamoDbDataSourceHasARoleWithNothingUnresolved() {
        List<String> principals = new ArrayList<>();
        Functions.ALL.forEach(f -> principals.add("function:" + f.handler()));
        ApiDefinition.load().dataSources().stream()
                .filter(d -> d.type() == ApiDefinition.DataSourceType.AMAZON_DYNAMODB)
                .forEach(d -> principals.add("dataSource:" + d.name()));
        for (String principal : principals) {
            List<JsonNode> statements = statementsOf(principal);
            assertFalse(statements.isEmpty(), principal + " has no statements");
            statements.forEach(s -> eachString(s, v -> assertFalse(v.contains("${unresolved:"),
                    principal + ": " + s)));
        }
    }

    @Test
    void everyValueIsAStringWithNoIntrinsicLeft() {
        eachString(EXPORT, v -> assertFalse(v.contains("{\"Ref\"") || v.contains("\"Fn::"), v));
    }

    @Test
    void statementIdsAreUnique() {
        List<String> ids = new ArrayList<>(EXPORT.findValuesAsText("id"));
        Set<String> unique = new HashSet<>(ids);
        assertTrue(ids.size() > 50, "only " + ids.size() + " statements");
        assertEquals(ids.size(), unique.size(), ids::toString);
    }
}
