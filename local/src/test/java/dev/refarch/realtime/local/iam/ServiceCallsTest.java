package dev.refarch.realtime.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Requests to the actions, resources and context keys IAM authorizes them by, for the request
 * shapes the gateway's SDK tests do not send: batches and transactions per table, indexes, S3
 * subresources, bulk deletes and copies, and what is left unmapped (refused).
 */
class ServiceCallsTest {

    private static final ServiceCalls CALLS = new ServiceCalls("us-east-1", "000000000000");
    private static final String TABLES = "arn:aws:dynamodb:us-east-1:000000000000:table/";

    private static PolicyModel model() throws IOException {
        return PolicyModelTest.fixture().bind(Map.of("streaming/ScramSecret/Resource.Ref", PolicyModelTest.SCRAM,
                "streaming/MskKey/Resource.Arn", PolicyModelTest.KEY, "api/Api/GraphqlApi.ApiId", "localapi"));
    }

    private static ServiceCalls.Mapping json(String service, String target, String body) throws IOException {
        return CALLS.map(service, new AwsRequest("POST", "/", "", Map.of("X-Amz-Target", List.of(target)),
                body.getBytes(StandardCharsets.UTF_8)), model());
    }

    private static ServiceCalls.Mapping s3(String method, String path, String query, Map<String, List<String>> headers,
                                           String body) throws IOException {
        return CALLS.map("s3", new AwsRequest(method, path, query, headers, body.getBytes(StandardCharsets.UTF_8)),
                model());
    }

    private static List<String> actionsOn(ServiceCalls.Mapping mapping) {
        assertTrue(mapping.unmapped().isEmpty(), mapping.unmapped().toString());
        return mapping.calls().stream().map(c -> c.action() + " " + c.resource()).toList();
    }

    /**
     * {@code dynamodb:LeadingKeys} (multivalued) is the partition key value of every item a request names, for
     * the actions the Service Authorization Reference lists it on; a Scan has none; a table whose key is not
     * known, or a Query whose key condition cannot be read, leaves it unread (null), so a condition on it fails
     * closed.
     */
    @Test
    void leadingKeysAreThePartitionKeyValuesOfTheItemsARequestNames() throws IOException {
        ServiceCalls keyed = new ServiceCalls("us-east-1", "000000000000", Map.of("movies", "pk", "reviews", "reaction"));
        java.util.function.BiFunction<String, String, List<ServiceCalls.Call>> map = (op, body) -> {
            try {
                return keyed.map("dynamodb", new AwsRequest("POST", "/", "", Map.of("X-Amz-Target",
                        List.of("DynamoDB_20120810." + op)), body.getBytes(StandardCharsets.UTF_8)), model()).calls();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        java.util.function.Function<ServiceCalls.Call, List<String>> leading = c -> c.multivalued().get(ServiceCalls.LEADING_KEYS);
        assertEquals(List.of("BROADCAST_SLOT"), leading.apply(map.apply("GetItem",
                "{\"TableName\":\"movies\",\"Key\":{\"pk\":{\"S\":\"BROADCAST_SLOT\"}}}").get(0)));
        assertEquals(List.of("BROADCAST_SLOT"), leading.apply(map.apply("UpdateItem",
                "{\"TableName\":\"" + TABLES + "movies\",\"Key\":{\"pk\":{\"S\":\"BROADCAST_SLOT\"}}}").get(0)),
                "a table named by its ARN");
        assertEquals(List.of("CURRENT"), leading.apply(map.apply("PutItem",
                "{\"TableName\":\"movies\",\"Item\":{\"pk\":{\"S\":\"CURRENT\"},\"title\":{\"S\":\"x\"}}}").get(0)));
        assertEquals(List.of("LOVE"), leading.apply(map.apply("DeleteItem",
                "{\"TableName\":\"reviews\",\"Key\":{\"reaction\":{\"S\":\"LOVE\"}}}").get(0)));
        List<ServiceCalls.Call> batch = map.apply("BatchGetItem", "{\"RequestItems\":{"
                + "\"reviews\":{\"Keys\":[{\"reaction\":{\"S\":\"LOVE\"}},{\"reaction\":{\"S\":\"LOVE#1\"}}]},"
                + "\"movies\":{\"Keys\":[{\"pk\":{\"S\":\"CURRENT\"}}]}}}");
        assertEquals(List.of(List.of("LOVE", "LOVE#1"), List.of("CURRENT")), batch.stream().map(leading).toList(),
                "per table, every key");
        assertEquals(List.of("LOVE", "HATE"), leading.apply(map.apply("BatchWriteItem", "{\"RequestItems\":{\"reviews\":["
                + "{\"PutRequest\":{\"Item\":{\"reaction\":{\"S\":\"LOVE\"},\"count\":{\"N\":\"1\"}}}},"
                + "{\"DeleteRequest\":{\"Key\":{\"reaction\":{\"S\":\"HATE\"}}}}]}}").get(0)));
        assertEquals(List.of(List.of("BROADCAST_SLOT"), List.of("LOVE")), map.apply("TransactWriteItems",
                "{\"TransactItems\":[{\"ConditionCheck\":{\"TableName\":\"movies\",\"Key\":{\"pk\":{\"S\":\"BROADCAST_SLOT\"}}}},"
                        + "{\"Put\":{\"TableName\":\"reviews\",\"Item\":{\"reaction\":{\"S\":\"LOVE\"}}}}]}")
                .stream().map(leading).toList(), "per item of a transaction");
        assertEquals(List.of("LOVE"), leading.apply(map.apply("Query", "{\"TableName\":\"reviews\","
                + "\"KeyConditionExpression\":\"#r = :r\",\"ExpressionAttributeNames\":{\"#r\":\"reaction\"},"
                + "\"ExpressionAttributeValues\":{\":r\":{\"S\":\"LOVE\"}}}").get(0)));
        assertEquals(List.of("LOVE"), leading.apply(map.apply("Query", "{\"TableName\":\"reviews\","
                + "\"KeyConditions\":{\"reaction\":{\"ComparisonOperator\":\"EQ\","
                + "\"AttributeValueList\":[{\"S\":\"LOVE\"}]}}}").get(0)), "the legacy KeyConditions");
        ServiceCalls.Call unreadQuery = map.apply("Query", "{\"TableName\":\"reviews\","
                + "\"KeyConditionExpression\":\"begins_with(reaction, :r)\"}").get(0);
        assertTrue(unreadQuery.multivalued().containsKey(ServiceCalls.LEADING_KEYS)
                && leading.apply(unreadQuery) == null, "a key condition it cannot read leaves the key unread");
        ServiceCalls.Call unknownTable = map.apply("GetItem", "{\"TableName\":\"ticks\",\"Key\":{\"symbol\":{\"S\":\"AMZN\"}}}").get(0);
        assertTrue(unknownTable.multivalued().containsKey(ServiceCalls.LEADING_KEYS) && leading.apply(unknownTable) == null,
                "a table whose partition key is not known");
        assertTrue(map.apply("Scan", "{\"TableName\":\"reviews\"}").get(0).multivalued().isEmpty(),
                "a Scan names no partition key: the key is absent");
    }

    @Test
    void lambdaInvokeIsInvokeFunctionOnTheArnAsNamedWithItsQualifier() throws IOException {
        String function = "arn:aws:lambda:us-east-1:000000000000:function:";
        for (String[] named : new String[][] {
                {"/2015-03-31/functions/tick-producer/invocations", "Qualifier=live", function + "tick-producer:live"},
                {"/2015-03-31/functions/tick-producer%3Alive/invocations", "", function + "tick-producer:live"},
                {"/2015-03-31/functions/" + "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Atick-producer"
                        + "/invocations", "", function + "tick-producer"},
                {"/2015-03-31/functions/tick-producer/invocations", "", function + "tick-producer"}}) {
            ServiceCalls.Mapping mapping = CALLS.map("lambda", new AwsRequest("POST", named[0], named[1], Map.of(),
                    new byte[0]), model());
            assertEquals(List.of("lambda:InvokeFunction " + named[2]), actionsOn(mapping), named[0]);
        }
        assertTrue(CALLS.map("lambda", new AwsRequest("GET", "/2015-03-31/functions/tick-producer", "", Map.of(),
                new byte[0]), model()).unmapped().isPresent(), "GetFunction is refused rather than guessed");
        assertEquals("lambda", ServiceCalls.serviceOf(new AwsRequest("POST",
                "/2015-03-31/functions/tick-producer/invocations", "", Map.of(), new byte[0])));
    }

    @Test
    void dynamoDbBatchesAndTransactionsAreAuthorizedPerTableAndItemAndQueriesOnTheirIndex() throws IOException {
        assertEquals(List.of("dynamodb:BatchWriteItem " + TABLES + "ticks", "dynamodb:BatchWriteItem " + TABLES + "movies"),
                actionsOn(json("dynamodb", "DynamoDB_20120810.BatchWriteItem",
                        "{\"RequestItems\":{\"ticks\":[],\"movies\":[]}}")));
        assertEquals(List.of("dynamodb:ConditionCheckItem " + TABLES + "movies", "dynamodb:UpdateItem " + TABLES + "reviews"),
                actionsOn(json("dynamodb", "DynamoDB_20120810.TransactWriteItems",
                        "{\"TransactItems\":[{\"ConditionCheck\":{\"TableName\":\"movies\"}},"
                                + "{\"Update\":{\"TableName\":\"reviews\"}}]}")));
        assertEquals(List.of("dynamodb:Query " + TABLES + "ticks/index/bySymbol"),
                actionsOn(json("dynamodb", "DynamoDB_20120810.Query",
                        "{\"TableName\":\"ticks\",\"IndexName\":\"bySymbol\"}")));
        assertEquals(List.of("dynamodb:ListTables *"), actionsOn(json("dynamodb", "DynamoDB_20120810.ListTables", "{}")));
        assertTrue(json("dynamodb", "DynamoDB_20120810.ExecuteStatement", "{\"Statement\":\"SELECT 1\"}")
                .unmapped().isPresent(), "PartiQL is refused rather than guessed");
        ServiceCalls.Call put = json("dynamodb", "DynamoDB_20120810.PutItem", "{\"TableName\":\"ticks\"}").calls().get(0);
        assertEquals("true", put.context().get("aws:SecureTransport"));
    }

    @Test
    void sqsFindsTheQueueByUrlOrNameAndAuthorizesABatchAsItsSingleAction() throws IOException {
        assertEquals(List.of("sqs:GetQueueUrl arn:aws:sqs:us-east-1:000000000000:failures"),
                actionsOn(json("sqs", "AmazonSQS.GetQueueUrl", "{\"QueueName\":\"failures\"}")));
        assertEquals(List.of("sqs:DeleteMessage arn:aws:sqs:us-east-1:000000000000:failures"),
                actionsOn(json("sqs", "AmazonSQS.DeleteMessageBatch",
                        "{\"QueueUrl\":\"http://127.0.0.1:9324/000000000000/failures\",\"Entries\":[]}")));
        ServiceCalls.Mapping query = CALLS.map("sqs", new AwsRequest("POST", "/000000000000/failures", "",
                Map.of("Content-Type", List.of("application/x-www-form-urlencoded")),
                "Action=ReceiveMessage&MaxNumberOfMessages=10".getBytes(StandardCharsets.UTF_8)), model());
        assertEquals(List.of("sqs:ReceiveMessage arn:aws:sqs:us-east-1:000000000000:failures"), actionsOn(query));
    }

    @Test
    void s3MapsMethodPathAndSubresourceToItsActionOnTheBucketOrObject() throws IOException {
        assertEquals(List.of("s3:ListBucket arn:aws:s3:::b"), actionsOn(s3("GET", "/b", "list-type=2&prefix=a%2F", Map.of(), "")));
        assertEquals(List.of("s3:GetObject arn:aws:s3:::b/dir/a b.json"),
                actionsOn(s3("GET", "/b/dir/a%20b.json", "x-id=GetObject", Map.of(), "")));
        assertEquals(List.of("s3:GetObjectVersion arn:aws:s3:::b/k"), actionsOn(s3("HEAD", "/b/k", "versionId=1", Map.of(), "")));
        assertEquals(List.of("s3:PutObjectTagging arn:aws:s3:::b/k"), actionsOn(s3("PUT", "/b/k", "tagging", Map.of(), "")));
        assertEquals(List.of("s3:PutObject arn:aws:s3:::b/k"), actionsOn(s3("POST", "/b/k", "uploads", Map.of(), "")));
        assertEquals(List.of("s3:PutObject arn:aws:s3:::b/copy", "s3:GetObject arn:aws:s3:::src/a.json"),
                actionsOn(s3("PUT", "/b/copy", "", Map.of("x-amz-copy-source", List.of("/src/a.json")), "")));
        assertEquals(List.of("s3:DeleteObject arn:aws:s3:::b/one", "s3:DeleteObject arn:aws:s3:::b/two&three"),
                actionsOn(s3("POST", "/b", "delete", Map.of(), "<Delete><Object><Key>one</Key></Object>"
                        + "<Object><Key>two&amp;three</Key></Object></Delete>")));
        assertEquals(List.of("s3:ListAllMyBuckets *"), actionsOn(s3("GET", "/", "", Map.of(), "")));
        ServiceCalls.Call object = s3("GET", "/b/k", "", Map.of(), "").calls().get(0);
        assertEquals("arn:aws:s3:::b", object.policyResource(), "the bucket's policy applies to its objects");
        assertTrue(s3("GET", "/b", "website", Map.of(), "").unmapped().isPresent(), "an unknown subresource is refused");
    }

    @Test
    void readingASecretUnderAKeyAlsoAsksForKmsDecryptViaSecretsManager() throws IOException {
        ServiceCalls.Mapping mapping = json("secretsmanager", "secretsmanager.GetSecretValue",
                "{\"SecretId\":\"AmazonMSK_test\"}");
        assertEquals(List.of("secretsmanager:GetSecretValue " + PolicyModelTest.SCRAM, "kms:Decrypt " + PolicyModelTest.KEY),
                actionsOn(mapping));
        ServiceCalls.Call kms = mapping.calls().get(1);
        assertEquals("secretsmanager.us-east-1.amazonaws.com", kms.context().get("kms:ViaService"));
        assertEquals("kms", kms.label());
        assertEquals(List.of("secretsmanager:DescribeSecret " + PolicyModelTest.SCRAM),
                actionsOn(json("secretsmanager", "secretsmanager.DescribeSecret", "{\"SecretId\":\"AmazonMSK_test\"}")));
    }

    @Test
    void anAppSyncRequestAsksForEachTopLevelFieldFragmentsIncluded() throws IOException {
        String query = "query Q { ...Top ... on Query { latestTicks(symbols: [\\\"A\\\"]) { symbol } } __typename }"
                + " fragment Top on Query { now: currentMovie { title } }";
        ServiceCalls.Mapping mapping = CALLS.map("appsync", new AwsRequest("POST", "/graphql", "", Map.of(),
                ("{\"query\":\"" + query + "\"}").getBytes(StandardCharsets.UTF_8)), model());
        String fields = "arn:aws:appsync:us-east-1:000000000000:apis/localapi/types/Query/fields/";
        assertEquals(List.of("appsync:GraphQL " + fields + "currentMovie", "appsync:GraphQL " + fields + "latestTicks"),
                actionsOn(mapping));
        assertEquals(List.of("now", "latestTicks"), mapping.calls().stream().map(ServiceCalls.Call::label).toList());
    }

    @Test
    void withoutARefusedFieldTheDocumentLosesItsNowUnusedVariablesAndFragments() {
        GraphqlOperation operation = GraphqlOperation.parse("""
                mutation M($t: TickInput!, $m: MovieInput!) {
                  ...Movie
                  t: publishTick(tick: $t) { ...TickFields }
                }
                fragment Movie on Mutation { m: setCurrentMovie(movie: $m) { title } }
                fragment TickFields on Tick { symbol }
                """, null);
        String smaller = operation.without(Set.of("m"));
        GraphqlOperation reparsed = GraphqlOperation.parse(smaller, "M");
        assertEquals(List.of("t"), reparsed.fields().stream().map(GraphqlOperation.TopLevelField::resultKey).toList());
        assertTrue(smaller.contains("$t") && !smaller.contains("$m") && !smaller.contains("fragment Movie")
                && smaller.contains("fragment TickFields"), smaller);
    }
}
