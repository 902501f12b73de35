package dev.refarch.realtime.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** {@code reviews seed}: finds the table, runs {@link ReviewsSeeder}, prints a line per row. */
@Command(name = "seed",
        description = {
            "Creates the five Reviews rows (LOVE, LIKE, MEH, UNKNOWN, HATE) where missing; existing"
                    + " rows and their counts are kept. Safe to run again.",
            "With --reset, sets every count to 0 (creating missing rows) and keeps the leaderboard;"
                    + " --reset --all also clears the leaderboard. The current movie stays."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ReviewsCli.OK + ":done",
            "1:unexpected error",
            ReviewsCli.USAGE + ":usage error",
            ReviewsCli.UNKNOWN_STACK + ":the stack does not exist",
            ReviewsCli.MISSING_OUTPUT + ":the stack has no " + StackOutputs.REVIEWS_TABLE_NAME + " output",
            ReviewsCli.NO_CREDENTIALS + ":no AWS credentials",
            ReviewsCli.NO_REGION + ":no AWS region",
            ReviewsCli.TABLE_MISSING + ":the table does not exist",
            ReviewsCli.AWS_ERROR + ":other AWS error"})
final class SeedCommand implements Callable<Integer> {

    @ParentCommand
    private ReviewsCli parent;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private TableSource source;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region; default: the SDK's region chain (AWS_REGION, profile)."
                    + " With --endpoint: us-east-1 unless given.")
    private String region;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "A DynamoDB you run yourself, such as DynamoDB Local (http://127.0.0.1:8000);"
                    + " uses fixed dummy credentials. Needs --table.")
    private URI endpoint;

    @ArgGroup(exclusive = false)
    private ResetOptions reset;

    static final class TableSource {
        @Option(names = "--stack", paramLabel = "NAME", required = true,
                description = "The API stack; the table is its " + StackOutputs.REVIEWS_TABLE_NAME + " output.")
        String stack;

        @Option(names = "--table", paramLabel = "NAME", required = true, description = "The Reviews table.")
        String table;

        @Option(names = "--local", paramLabel = "READY_FILE", arity = "0..1",
                fallbackValue = LocalRunFile.DEFAULT_LOCATION, required = true,
                description = "The local run's ready file (alone: " + LocalRunFile.DEFAULT_LOCATION + ", where the run"
                        + " writes it unless told otherwise): its Reviews table, through its IAM gateway, signed as its"
                        + " operator identity (the stack's operator policy).")
        Path local;
    }

    static final class ResetOptions {
        @Option(names = "--reset", required = true, description = "Set every count to 0.")
        boolean reset;

        @Option(names = "--all", description = "With --reset: also clear the leaderboard.")
        boolean all;
    }

    @Override
    public Integer call() {
        if (endpoint != null && source.table == null) {
            throw new ParameterException(spec.commandLine(),
                    "--endpoint needs --table: a local DynamoDB has no CloudFormation stack");
        }
        PrintWriter err = spec.commandLine().getErr();
        try {
            run(spec.commandLine().getOut());
            return ReviewsCli.OK;
        } catch (IllegalArgumentException unreadable) {
            err.println("reviews seed: " + unreadable.getMessage());
            return ReviewsCli.USAGE;
        } catch (SeedFailure failure) {
            err.println("reviews seed: " + failure.getMessage());
            return failure.exitCode();
        } catch (SdkException e) {
            err.println("reviews seed: AWS error: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
            return ReviewsCli.AWS_ERROR;
        }
    }

    private void run(PrintWriter out) {
        AwsClients aws = parent.aws();
        LocalRunFile localRun = source.local == null ? null : LocalRunFile.read(source.local);
        boolean ownEndpoint = endpoint != null || localRun != null;
        Region signingRegion = !ownEndpoint ? aws.region(region)
                : region == null ? AwsClients.LOCAL_REGION : Region.of(region);
        if (!ownEndpoint) {
            // Before any request: a missing credential is reported as such, and nothing is sent.
            aws.requireCredentials();
        }
        String table = localRun != null ? localRun.reviewsTable()
                : source.table != null ? source.table : tableOfStack(aws, signingRegion);
        try (DynamoDbClient dynamo = localRun != null
                ? AwsClients.localDynamoDb(localRun.awsEndpoint(), signingRegion, localRun.credentials())
                : endpoint == null ? aws.dynamoDb(signingRegion) : AwsClients.localDynamoDb(endpoint, signingRegion)) {
            ReviewsSeeder seeder = new ReviewsSeeder(dynamo, table);
            List<RowOutcome> outcomes = reset == null ? seeder.seed() : seeder.reset(reset.all);
            outcomes.forEach(outcome -> out.println(outcome.line()));
        } catch (ResourceNotFoundException e) {
            String where = localRun != null ? "the local run" : endpoint == null ? "region " + signingRegion
                    : endpoint.toString();
            throw new SeedFailure(ReviewsCli.TABLE_MISSING, "table " + table + " does not exist in " + where, e);
        }
    }

    private String tableOfStack(AwsClients aws, Region signingRegion) {
        try (CloudFormationClient cloudFormation = aws.cloudFormation(signingRegion)) {
            return new StackOutputs(cloudFormation).reviewsTableName(source.stack);
        }
    }
}
