package dev.refarch.realtime.cli;

import dev.refarch.realtime.graphql.testing.DynamoDbLocal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The CLI end to end: DynamoDB Local for the table, WireMock speaking CloudFormation's query
 * protocol for the stack, both on 127.0.0.1.
 */
class ReviewsCliTest {

    private static final String STACK = "RealtimeApi";
    /** Nothing listens here; a request that reached it would fail, never leave the machine. */
    private static final URI NOWHERE = URI.create("http://127.0.0.1:1");
    private static final AwsRegionProvider NO_REGION = () -> {
        throw SdkClientException.create("Unable to load region from any of the providers in the chain");
    };

    private static DynamoDbLocal dynamoDbLocal;
    private static DynamoDbClient dynamo;
    private static ReviewsTableFixture tables;
    private static WireMockServer cloudFormation;

    /** An AWS account as the CLI sees it, but every endpoint is on this machine. */
    private AwsClients loopbackAws;

    @BeforeAll
    static void startServers() {
        dynamoDbLocal = DynamoDbLocal.start();
        dynamo = dynamoDbLocal.client();
        tables = new ReviewsTableFixture(dynamo);
        cloudFormation = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        cloudFormation.start();
    }

    @AfterAll
    static void stopServers() {
        cloudFormation.stop();
        dynamo.close();
        dynamoDbLocal.close();
    }

    @BeforeEach
    void resetStandIns() {
        cloudFormation.resetAll();
        loopbackAws = new AwsClients(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                () -> Region.EU_WEST_1, URI.create(cloudFormation.baseUrl()), dynamoDbLocal.endpoint());
    }

    @Test
    void seedWithLocalEndpointCreatesFiveRowsAndPrintsThem() {
        String table = tables.newTable();

        Run run = reviews(new AwsClients(DefaultCredentialsProvider.builder().build(), NO_REGION, NOWHERE, NOWHERE),
                "seed", "--table", table, "--endpoint", dynamoDbLocal.endpoint().toString());

        assertEquals(ReviewsCli.OK, run.exitCode(), run.err());
        assertEquals(List.of("created LOVE", "created LIKE", "created MEH", "created UNKNOWN", "created HATE"),
                run.outLines());
        assertEquals(5, tables.rows(table).size());
    }

    @Test
    void seedTwiceKeepsExistingCounts() {
        String table = tables.newTable();
        reviews(loopbackAws, "seed", "--table", table);
        tables.put(table, ReviewsTableFixture.votedRow("LIKE", 12));
        var before = tables.rows(table);

        Run again = reviews(loopbackAws, "seed", "--table", table);

        assertEquals(ReviewsCli.OK, again.exitCode(), again.err());
        assertTrue(again.outLines().contains("kept LIKE (count 12)"), again.out());
        assertEquals(before, tables.rows(table));
    }

    @Test
    void resetKeepsLeaderboardAndResetAllClearsIt() {
        String table = tables.newTable();
        tables.put(table, ReviewsTableFixture.votedRow("LOVE", 4));

        Run reset = reviews(loopbackAws, "seed", "--table", table, "--reset");

        assertEquals(ReviewsCli.OK, reset.exitCode(), reset.err());
        // A reset is a write: the row's version grows with it, so broadcast clients take the zero.
        java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> expected =
                new java.util.HashMap<>(ReviewsTableFixture.votedRow("LOVE", 0));
        expected.put(Reviews.VERSION, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("1"));
        assertEquals(expected, tables.rows(table).get("LOVE"));

        Run resetAll = reviews(loopbackAws, "seed", "--table", table, "--reset", "--all");

        assertEquals(ReviewsCli.OK, resetAll.exitCode(), resetAll.err());
        var love = tables.rows(table).get("LOVE");
        assertAll(
                () -> assertEquals("0", love.get(Reviews.COUNT).n()),
                () -> assertEquals("0", love.get(Reviews.TOP_COUNT).n()),
                () -> assertEquals("movie-42", love.get(Reviews.MOVIE_ID).s()),
                () -> assertTrue(!love.containsKey(Reviews.TOP_MOVIE_ID) && !love.containsKey(Reviews.TOP_MOVIE_TITLE),
                        love::toString));
    }

    @Test
    void stackOptionFindsTheTableInTheStackOutputs() {
        String table = tables.newTable();
        stubDescribeStacks(STACK, 200, describeStacksResponse(STACK,
                output("GraphQlUrl", "https://example.appsync-api.eu-west-1.amazonaws.com/graphql")
                        + output(StackOutputs.REVIEWS_TABLE_NAME, table)));

        Run run = reviews(loopbackAws, "seed", "--stack", STACK);

        assertEquals(ReviewsCli.OK, run.exitCode(), run.err());
        assertEquals(5, tables.rows(table).size());
        cloudFormation.verify(1, postRequestedFor(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeStacks"))
                .withRequestBody(containing("StackName=" + STACK)));
    }

    @Test
    void unknownStackExitsWithItsCodeNamingTheStack() {
        stubDescribeStacks("NoSuchStack", 400, """
                <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <Error>
                    <Type>Sender</Type>
                    <Code>ValidationError</Code>
                    <Message>Stack with id NoSuchStack does not exist</Message>
                  </Error>
                  <RequestId>5ccc7dcd-744c-11e5-be70-1b08c228efb3</RequestId>
                </ErrorResponse>
                """);

        Run run = reviews(loopbackAws, "seed", "--stack", "NoSuchStack");

        assertEquals(ReviewsCli.UNKNOWN_STACK, run.exitCode());
        assertEquals(List.of("reviews seed: stack NoSuchStack does not exist in this account and region"),
                run.errLines());
    }

    @Test
    void stackWithoutTheOutputExitsWithItsCode() {
        stubDescribeStacks("RealtimeMovies", 200,
                describeStacksResponse("RealtimeMovies", output("RotatorFunctionName", "rotator")));

        Run run = reviews(loopbackAws, "seed", "--stack", "RealtimeMovies");

        assertEquals(ReviewsCli.MISSING_OUTPUT, run.exitCode());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().contains("stack RealtimeMovies has no output ReviewsTableName"), run.err());
    }

    @Test
    void otherCloudFormationErrorsExitAsAwsErrors() {
        stubDescribeStacks(STACK, 403, """
                <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <Error>
                    <Type>Sender</Type>
                    <Code>AccessDenied</Code>
                    <Message>User: arn:aws:iam::123456789012:user/ops is not authorized to perform: cloudformation:DescribeStacks</Message>
                  </Error>
                  <RequestId>5ccc7dcd-744c-11e5-be70-1b08c228efb4</RequestId>
                </ErrorResponse>
                """);

        Run run = reviews(loopbackAws, "seed", "--stack", STACK);

        assertEquals(ReviewsCli.AWS_ERROR, run.exitCode());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().contains("not authorized to perform: cloudformation:DescribeStacks"), run.err());
    }

    @Test
    void missingTableExitsWithItsCodeNamingTheTable() {
        Run run = reviews(loopbackAws, "seed", "--table", "NoSuchReviews");

        assertEquals(ReviewsCli.TABLE_MISSING, run.exitCode());
        assertEquals(List.of("reviews seed: table NoSuchReviews does not exist in region eu-west-1"), run.errLines());
    }

    @Test
    void noCredentialsExitsWithItsCodeBeforeAnyRequest() {
        assumeTrue(Stream.of("AWS_ACCESS_KEY_ID", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE")
                .allMatch(name -> System.getenv(name) == null), "AWS credentials are set in the environment");
        // The SDK's real default chain; surefire points it at missing profile files and turns
        // off instance metadata, so it finds nothing. The endpoints are loopback regardless.
        AwsClients noCredentials = new AwsClients(DefaultCredentialsProvider.builder().build(),
                () -> Region.EU_WEST_1, NOWHERE, NOWHERE);

        Run run = reviews(noCredentials, "seed", "--table", "Reviews", "--region", "eu-west-1");

        assertEquals(ReviewsCli.NO_CREDENTIALS, run.exitCode());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().startsWith("reviews seed: no AWS credentials"), run.err());
    }

    @Test
    void noRegionExitsWithItsCode() {
        AwsClients noRegion = new AwsClients(loopbackAws.credentials(), NO_REGION, NOWHERE, NOWHERE);

        Run run = reviews(noRegion, "seed", "--table", "Reviews");

        assertEquals(ReviewsCli.NO_REGION, run.exitCode());
        assertTrue(run.err().startsWith("reviews seed: no AWS region: pass --region"), run.err());
    }

    @Test
    void usageErrorsExitWithTwo() {
        List<List<String>> usageErrors = List.of(
                List.of("seed"),
                List.of("seed", "--stack", STACK, "--table", "Reviews"),
                List.of("seed", "--table", "Reviews", "--all"),
                List.of("seed", "--stack", STACK, "--endpoint", "http://127.0.0.1:8000"),
                List.of("seed", "--table"),
                List.of(),
                List.of("plant"));
        for (List<String> args : usageErrors) {
            Run run = reviews(loopbackAws, args.toArray(String[]::new));
            assertEquals(ReviewsCli.USAGE, run.exitCode(), () -> args + ": " + run.err());
            assertTrue(run.out().isEmpty(), () -> args + ": " + run.out());
        }
        assertEquals(0, cloudFormation.getAllServeEvents().size());
    }

    @Test
    void helpListsTheExitCodes() {
        Run run = reviews(loopbackAws, "seed", "--help");

        assertEquals(ReviewsCli.OK, run.exitCode());
        assertAll(Stream.of("--stack=NAME", "--reset", "Exit codes:", "3   the stack does not exist",
                        "5   no AWS credentials", "7   the table does not exist")
                .map(expected -> () -> assertTrue(run.out().contains(expected), run.out())));
    }

    private record Run(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Run reviews(AwsClients aws, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new ReviewsCli(aws))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static void stubDescribeStacks(String stackName, int status, String body) {
        cloudFormation.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeStacks"))
                .withRequestBody(containing("StackName=" + stackName))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(body)));
    }

    /** DescribeStacks' response as CloudFormation's query protocol sends it. */
    private static String describeStacksResponse(String stackName, String outputMembers) {
        return """
                <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <DescribeStacksResult>
                    <Stacks>
                      <member>
                        <StackName>%1$s</StackName>
                        <StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/%1$s/0f3e1a50-7a4b-11f0-9c1e-0a1b2c3d4e5f</StackId>
                        <CreationTime>2026-01-01T00:00:00.000Z</CreationTime>
                        <StackStatus>CREATE_COMPLETE</StackStatus>
                        <DisableRollback>false</DisableRollback>
                        <Outputs>
                %2$s
                        </Outputs>
                      </member>
                    </Stacks>
                  </DescribeStacksResult>
                  <ResponseMetadata>
                    <RequestId>b9b4b068-3a41-11e5-94eb-0123456789ab</RequestId>
                  </ResponseMetadata>
                </DescribeStacksResponse>
                """.formatted(stackName, outputMembers);
    }

    private static String output(String key, String value) {
        return """
                          <member>
                            <OutputKey>%s</OutputKey>
                            <OutputValue>%s</OutputValue>
                          </member>
                """.formatted(key, value);
    }
}
