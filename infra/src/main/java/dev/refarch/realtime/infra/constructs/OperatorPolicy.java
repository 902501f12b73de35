package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.Functions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.appsync.IGraphqlApi;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.Acknowledgment;
import software.constructs.Construct;

/**
 * What the CLI tasks need, and nothing else, as one customer managed policy an operator, a CI
 * role or an on-call role attaches: {@code reviews seed} (read its stack's outputs, create and
 * reset the Reviews rows), {@code system verify} (read the API and web stacks' outputs; {@code publishTick}
 * for its canary ticks, streaming on or off; when streaming is on, read the streaming stack's outputs and
 * {@code lambda:InvokeFunction} on exactly the tick producer's {@code live} alias, for the streaming-path
 * check's one canary tick) and, when streaming is on, {@code ticks replay} (read the streaming and API
 * stacks' outputs; list, read, copy under {@code replayed/} and delete the on-failure bucket's objects;
 * {@code publishTick}; its replay metrics in the project's CloudWatch namespace). The local run signs the
 * CLI's calls with an identity holding exactly this policy.
 */
public final class OperatorPolicy extends Construct {

    private final ManagedPolicy policy;

    /**
     * @param reviewsTable the Reviews table {@code reviews seed} writes
     * @param api          the API whose {@code publishTick} {@code ticks replay} and {@code system verify} call
     * @param apiStackName the API stack, whose outputs every task reads
     * @param webStackName the web stack, whose {@code WebUrl} {@code system verify}'s page check reads
     * @param replay       the streaming stack's resources the tasks use, or null when streaming is off
     */
    public OperatorPolicy(Construct scope, String id, ITable reviewsTable, IGraphqlApi api, String apiStackName,
            String webStackName, Replay replay) {
        super(scope, id);
        Stack stack = Stack.of(this);
        List<String> stacks = new ArrayList<>(List.of(stackArn(stack, apiStackName), stackArn(stack, webStackName)));
        List<PolicyStatement> statements = new ArrayList<>(List.of(
                statement(List.of("dynamodb:PutItem", "dynamodb:UpdateItem"), List.of(reviewsTable.getTableArn()))));
        if (replay != null) {
            stacks.add(stackArn(stack, replay.streamingStackName()));
            statements.add(statement(List.of("s3:ListBucket"), List.of(replay.bucketArn())));
            statements.add(statement(List.of("s3:DeleteObject", "s3:GetObject", "s3:PutObject"),
                    List.of(replay.bucketArn() + "/*")));
        }
        // The replayed ticks, and system verify's canary ticks (its reserved symbol), streaming or not.
        statements.add(statement(List.of("appsync:GraphQL"), List.of(api.getArn() + "/types/Mutation/fields/publishTick")));
        if (replay != null) {
            // system verify's streaming path: the alias ARN, which alone lets a caller invoke the alias
            // (a grant on the function's unqualified ARN would not; Lambda authorizes the ARN invoked).
            statements.add(statement(List.of("lambda:InvokeFunction"), List.of(replay.producerAliasArn())));
            // PutMetricData accepts no resource but "*"; the namespace condition keeps it to ours.
            statements.add(PolicyStatement.Builder.create()
                    .actions(List.of("cloudwatch:PutMetricData"))
                    .resources(List.of("*"))
                    .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", Functions.METRICS_NAMESPACE)))
                    .build());
        }
        statements.add(statement(List.of("cloudformation:DescribeStacks"), stacks));
        policy = ManagedPolicy.Builder.create(this, "Resource")
                .description("Realtime Refarch: what the reviews seed, ticks replay and system verify CLI tasks need")
                .statements(statements)
                .build();
        List<String> wildcards = new ArrayList<>(List.of("Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:"
                + "<AWS::AccountId>:stack/" + apiStackName + "/*", "Resource::arn:<AWS::Partition>:cloudformation:"
                + "<AWS::Region>:<AWS::AccountId>:stack/" + webStackName + "/*"));
        if (replay != null) {
            wildcards.add("Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/"
                    + replay.streamingStackName() + "/*");
            wildcards.add("Resource::*");
            wildcards.add("Resource::" + replay.bucketArnExport() + "/*");
        }
        for (String wildcard : wildcards) {
            Validations.of(policy).acknowledge(Acknowledgment.builder()
                    .id("AwsSolutions::AwsSolutions-IAM5[" + wildcard + "]")
                    .reason("A stack ARN ends in an id CloudFormation picks (stack/NAME/*); the replay reads, copies and "
                            + "deletes objects whose keys Lambda picks, in one bucket; PutMetricData accepts no "
                            + "resource but *, and its namespace condition keeps it to this project's metrics.")
                    .build());
        }
    }

    /**
     * The streaming stack's resources the tasks use: the replay's bucket, and the producer that
     * {@code system verify}'s streaming-path check invokes.
     *
     * @param bucketArn        the on-failure bucket's ARN, imported from the streaming stack
     * @param bucketArnExport  the name of the export it is imported by (the wildcard's acknowledgement names it)
     * @param producerAliasArn the tick producer's {@code live} alias ARN, imported from the streaming stack
     */
    public record Replay(String bucketArn, String bucketArnExport, String streamingStackName, String producerAliasArn) {
    }

    public ManagedPolicy policy() {
        return policy;
    }

    private static PolicyStatement statement(List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().actions(actions).resources(resources).build();
    }

    private static String stackArn(Stack stack, String name) {
        return stack.formatArn(ArnComponents.builder()
                .service("cloudformation")
                .resource("stack")
                .resourceName(name + "/*")
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .build());
    }
}
