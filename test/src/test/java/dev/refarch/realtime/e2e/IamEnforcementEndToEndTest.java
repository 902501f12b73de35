package dev.refarch.realtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.appsync.GraphqlError;
import dev.refarch.realtime.appsync.GraphqlErrorsException;
import dev.refarch.realtime.cli.AwsClients;
import dev.refarch.realtime.cli.LocalRunFile;
import dev.refarch.realtime.cli.ReviewsCli;
import dev.refarch.realtime.graphql.testing.Operations;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The local run refuses what AWS refuses: it runs here without two grants of the synthesized
 * templates ({@code --iam-drop}), and the calls that needed them fail as they would on AWS.
 * <ul>
 *   <li>the Ticks data source's role without {@code dynamodb:GetItem} (issue 17's missing grant):
 *       a stale tick fails with DynamoDB's access error instead of {@code StaleTick}, because AppSync
 *       reads the item with that role when a condition fails;</li>
 *   <li>the operator policy without its Reviews statement: {@code reviews seed --local} is refused.</li>
 * </ul>
 * Every other end-to-end class runs with the whole policies and fails on any refusal
 * ({@link LocalRunner#close}); this one expects its refusals.
 *
 * <p>Owns its run ({@link SharedLocalRun} says when): the grants it drops would fail the others.
 */
class IamEnforcementEndToEndTest {

    private static final String TICKS_GET_ITEM = "api/Api/TicksTableRole/Resource#Resolvers#0:dynamodb:GetItem";
    private static final String OPERATOR_REVIEWS = "observability/OperatorPolicy/Resource/Resource#0";

    private static LocalRunner run;
    private static LocalRunFile local;

    @BeforeAll
    static void start() throws Exception {
        run = LocalRunner.start("iam-enforcement", List.of("--iam-drop=" + TICKS_GET_ITEM + "," + OPERATOR_REVIEWS));
        run.expectRefusals();
        local = LocalRunFile.read(run.readyFile());
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    /** An AppSync client signing as the operator (who may call publishTick), through the gateway. */
    /**
     * One attempt per call, with time for a busy machine: a retried {@code publishTick} whose first
     * attempt was stored fails its condition, and so (without the data source's {@code GetItem}) fails
     * the setup as the stale tick should fail.
     */
    private static AppSyncClient operatorAppSync() {
        return AppSyncClient.builder(AppSyncClientConfig.defaults(local.graphqlUrl(), Region.US_EAST_1)
                        .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60))
                        .withRetries(1, Duration.ofMillis(100), Duration.ofMillis(100)))
                .credentialsProvider(local.credentials())
                .build();
    }

    private static Map<String, Object> tick(String symbol, double sequence) {
        return Operations.tickInput(symbol, 10.0, sequence);
    }

    @Test
    void aDataSourceRoleWithoutGetItemMakesAStaleTickAnAccessErrorAsOnAws() throws Exception {
        AppSyncClient appSync = operatorAppSync();
        appSync.execute(Operations.PUBLISH_TICK, Map.of("tick", tick("IAMX", 2)), AppSyncClient.NO_DEADLINE);

        GraphqlErrorsException stale = assertThrows(GraphqlErrorsException.class,
                () -> appSync.execute(Operations.PUBLISH_TICK, Map.of("tick", tick("IAMX", 1)), AppSyncClient.NO_DEADLINE));

        List<String> types = stale.errors().stream().map(GraphqlError::errorType).toList();
        assertTrue(!types.contains("StaleTick") && types.contains("DynamoDB:AccessDeniedException"), types.toString());
        String refusals = run.refusals();
        assertTrue(refusals.contains("dynamodb:GetItem") && refusals.contains("TicksTableRole"), refusals);
    }

    @Test
    void anOperatorWithoutItsReviewsStatementCannotSeed() {
        StringWriter output = new StringWriter();
        PrintWriter writer = new PrintWriter(output, true);
        int exit = new CommandLine(new ReviewsCli(AwsClients.defaults())).setOut(writer).setErr(writer)
                .execute("seed", "--local", run.readyFile().toString());

        assertEquals(ReviewsCli.AWS_ERROR, exit, output.toString());
        assertTrue(output.toString().matches("(?s).*is not authorized to perform: dynamodb:(PutItem|UpdateItem) on resource: "
                + "arn:aws:dynamodb:us-east-1:000000000000:table/" + local.reviewsTable() + ".*"), output.toString());
    }

    @Test
    void aCallSignedWithAnotherSecretIsRefusedAndReachesNothing() {
        String operatorKey = local.credentials().resolveCredentials().accessKeyId();
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(local.awsEndpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(operatorKey, "guessed")))
                .build()) {
            DynamoDbException refused = assertThrows(DynamoDbException.class,
                    () -> dynamo.updateItem(u -> u.tableName(local.reviewsTable())
                            .key(Map.of("reaction", software.amazon.awssdk.services.dynamodb.model.AttributeValue
                                    .fromS("LOVE")))));
            assertEquals("InvalidSignatureException", refused.awsErrorDetails().errorCode());
        }
    }
}
