package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.cli.InitialReviewRows;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.infra.config.Stage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.customresources.AwsCustomResource;
import software.amazon.awscdk.customresources.AwsSdkCall;
import software.amazon.awscdk.customresources.PhysicalResourceId;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.constructs.Construct;

/**
 * Creates the five Reviews rows at deploy, so the API works right after {@code cdk deploy}.
 * Each row is a conditional {@code PutItem} that only writes where the row is missing, so a
 * redeploy never resets counts or the leaderboard. The rows are the ones the seed CLI task
 * writes ({@link InitialReviewRows}).
 */
public final class ReviewsSeed extends Construct {

    public ReviewsSeed(Construct scope, String id, ITable table, Stage stage) {
        super(scope, id);
        SdkCallRole identity = new SdkCallRole(this, "Identity", "Seeds missing Reviews rows at deploy",
                List.of(PolicyStatement.Builder.create()
                        .actions(List.of("dynamodb:PutItem"))
                        .resources(List.of(table.getTableArn()))
                        .build()),
                stage);

        for (String reaction : Reviews.REACTIONS) {
            AwsSdkCall putIfMissing = AwsSdkCall.builder()
                    .service("DynamoDB")
                    .action("PutItem")
                    // Sorted: the call is a JSON string in the template, and Map.of's order changes with
                    // every JVM (each synth would update the rows' custom resources).
                    .parameters(new TreeMap<>(Map.of(
                            "TableName", table.getTableName(),
                            "Item", dynamoDbJson(InitialReviewRows.initialItem(reaction)),
                            "ConditionExpression", "attribute_not_exists(#reaction)",
                            "ExpressionAttributeNames", Map.of("#reaction", Reviews.REACTION))))
                    // The row already exists: exactly what a redeploy should leave alone.
                    .ignoreErrorCodesMatching("ConditionalCheckFailedException")
                    .physicalResourceId(PhysicalResourceId.of("reviews-row-" + reaction))
                    .build();
            AwsCustomResource.Builder.create(this, reaction)
                    .resourceType("Custom::ReviewsRow")
                    .onCreate(putIfMissing)
                    .onUpdate(putIfMissing)
                    .role(identity.role())
                    .logGroup(identity.logGroup())
                    .installLatestAwsSdk(false)
                    .build();
        }
    }

    /** The low-level JSON form ({@code {"S": ...}}, {@code {"N": ...}}) the SDK call takes. */
    private static Map<String, Map<String, String>> dynamoDbJson(Map<String, AttributeValue> item) {
        Map<String, Map<String, String>> json = new LinkedHashMap<>();
        item.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            AttributeValue value = e.getValue();
            switch (value.type()) {
                case S -> json.put(e.getKey(), Map.of("S", value.s()));
                case N -> json.put(e.getKey(), Map.of("N", value.n()));
                default -> throw new IllegalArgumentException("unsupported attribute type " + value.type());
            }
        });
        return json;
    }
}
