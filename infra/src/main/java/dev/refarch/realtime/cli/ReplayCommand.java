package dev.refarch.realtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.constructs.JavaFunction;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * {@code ticks replay}: finds the bucket and the API, runs {@link TickReplayer}, prints a line per record,
 * then publishes the run's counts ({@link ReplayMetrics}).
 */
@Command(name = "replay",
        description = {
            "Re-publishes, through the IAM-signed publishTick mutation, every record kept in the S3"
                    + " on-failure bucket of the consumer's event source mapping: oldest failed batch first,"
                    + " each partition in offset order. A record is sent once per run; a fully replayed object"
                    + " is moved under " + TickReplayer.REPLAYED_PREFIX + " so a later run skips it."
                    + " StaleTick answers (the tick or a newer one already went out) count as delivered.",
            "After a run (not a dry run) it publishes what it replayed to CloudWatch (PutMetricData, namespace "
                    + JavaFunction.METRICS_NAMESPACE + ": " + ReplayMetrics.PUBLISHED + " and "
                    + ReplayMetrics.ALREADY_DELIVERED + " by " + ReplayMetrics.BUCKET_DIMENSION + "); if that fails,"
                    + " it warns and the exit code still says how the replay went.",
            "With --dry-run, prints what it would send and changes nothing."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            TicksCli.OK + ":done (also when there was nothing to replay)",
            "1:unexpected error",
            TicksCli.USAGE + ":usage error",
            TicksCli.UNKNOWN_STACK + ":a stack does not exist",
            TicksCli.MISSING_OUTPUT + ":a stack lacks the output needed",
            TicksCli.NO_CREDENTIALS + ":no AWS credentials",
            TicksCli.NO_REGION + ":no AWS region",
            TicksCli.BUCKET_MISSING + ":the bucket does not exist",
            TicksCli.AWS_ERROR + ":other AWS error",
            TicksCli.NOT_DELIVERED + ":AppSync did not take a tick; the run stopped there",
            TicksCli.UNREADABLE_OBJECT + ":some object is not an invocation record (left in place)"})
final class ReplayCommand implements Callable<Integer> {

    /** The streaming stack's output naming the on-failure bucket. */
    static final String FAILURE_BUCKET_OUTPUT = "FailureBucketName";
    /** The API stack's output naming the GraphQL endpoint. */
    static final String GRAPHQL_URL_OUTPUT = "GraphqlUrl";
    private static final StaticCredentialsProvider LOCAL_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    @ParentCommand
    private TicksCli parent;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @ArgGroup(exclusive = false, multiplicity = "1")
    private Source source;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region; default: the SDK's region chain. With --endpoint-url: us-east-1 unless given.")
    private String region;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "An S3-compatible server you run yourself (the local run's S3Mock); fixed dummy"
                    + " credentials then sign both S3 and AppSync requests.")
    private URI endpointUrl;

    @Option(names = "--dry-run", description = "Print what would be sent; send nothing, move nothing.")
    private boolean dryRun;

    @Option(names = "--mutations-per-request", paramLabel = "N", defaultValue = "25",
            description = "Aliased publishTick fields per AppSync request, 1 to 100 (default: ${DEFAULT-VALUE}, as the"
                    + " consumer); 1 sends each tick alone, unaliased, as the stack's mutationsPerRequest=1 does.")
    private int mutationsPerRequest;

    /** Where the run replayed from, for its metrics; set by {@link #run}. */
    private record Target(String bucket, Region region, AwsCredentialsProvider credentials, boolean local) {
    }

    private Target target;

    static final class Source {
        @Option(names = "--stack", paramLabel = "NAME",
                description = "The streaming stack: the bucket is its " + FAILURE_BUCKET_OUTPUT + " output.")
        String stack;

        @Option(names = "--api-stack", paramLabel = "NAME",
                description = "The API stack, for its " + GRAPHQL_URL_OUTPUT + " output; default: --stack"
                        + " with -streaming replaced by -api.")
        String apiStack;

        @Option(names = "--bucket", paramLabel = "NAME", description = "The on-failure bucket.")
        String bucket;

        @Option(names = "--graphql-url", paramLabel = "URL", description = "The AppSync GraphQL endpoint.")
        URI graphqlUrl;

        @Option(names = "--local", paramLabel = "READY_FILE", arity = "0..1",
                fallbackValue = LocalRunFile.DEFAULT_LOCATION,
                description = "The local run's ready file (alone: " + LocalRunFile.DEFAULT_LOCATION + ", where the run"
                        + " writes it unless told otherwise): its bucket and API, through its IAM gateway, signed as"
                        + " its operator identity (the stack's operator policy).")
        Path local;
    }

    @Override
    public Integer call() {
        boolean byStack = source.stack != null;
        if (source.local != null && (byStack || source.bucket != null || source.graphqlUrl != null || endpointUrl != null)) {
            throw new ParameterException(spec.commandLine(), "--local names the bucket, the API and the endpoint itself:"
                    + " give it alone");
        }
        if (source.local == null && !byStack && (source.bucket == null || source.graphqlUrl == null)) {
            throw new ParameterException(spec.commandLine(),
                    "give --stack, or both --bucket and --graphql-url, or --local READY_FILE");
        }
        if (byStack && source.bucket != null) {
            throw new ParameterException(spec.commandLine(), "--stack and --bucket are exclusive");
        }
        if (!byStack && source.apiStack != null) {
            throw new ParameterException(spec.commandLine(), "--api-stack goes with --stack");
        }
        if (mutationsPerRequest < 1 || mutationsPerRequest > AppConfig.MAX_MUTATIONS_PER_REQUEST) {
            throw new ParameterException(spec.commandLine(), "--mutations-per-request=" + mutationsPerRequest
                    + " must be between 1 and " + AppConfig.MAX_MUTATIONS_PER_REQUEST);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            TickReplayer.Summary summary = run(out);
            out.println((dryRun ? "dry run: " : "") + summary.objects() + " object(s): " + summary.published()
                    + " published, " + summary.alreadyDelivered() + " already delivered, " + summary.rejected()
                    + " rejected, " + summary.invalid() + " invalid, " + summary.duplicates() + " duplicate(s)"
                    + (summary.unreadable() > 0 ? ", " + summary.unreadable() + " unreadable object(s)" : ""));
            if (!dryRun) {
                publishMetrics(summary, out, err);
            }
            out.flush();
            if (summary.stopped()) {
                err.println("ticks replay: a tick was not delivered; the rest is left for the next run");
                return TicksCli.NOT_DELIVERED;
            }
            return summary.unreadable() > 0 ? TicksCli.UNREADABLE_OBJECT : TicksCli.OK;
        } catch (IllegalArgumentException unreadable) {
            err.println("ticks replay: " + unreadable.getMessage());
            return TicksCli.USAGE;
        } catch (SeedFailure failure) {
            err.println("ticks replay: " + failure.getMessage());
            return failure.exitCode();
        } catch (ReplayFailure failure) {
            err.println("ticks replay: " + failure.getMessage());
            return failure.exitCode();
        } catch (SdkException e) {
            err.println("ticks replay: AWS error: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
            return TicksCli.AWS_ERROR;
        }
    }

    private TickReplayer.Summary run(PrintWriter out) {
        AwsClients aws = parent.aws();
        LocalRunFile localRun = source.local == null ? null : LocalRunFile.read(source.local);
        URI s3Endpoint = localRun != null ? localRun.awsEndpoint() : endpointUrl;
        boolean local = s3Endpoint != null;
        Region signingRegion = !local ? aws.region(region) : region == null ? AwsClients.LOCAL_REGION : Region.of(region);
        AwsCredentialsProvider credentials = localRun != null ? localRun.credentials()
                : local ? LOCAL_CREDENTIALS : aws.credentials();
        if (!local) {
            // Before any request: a missing credential is reported as such, and nothing is sent.
            aws.requireCredentials();
        }
        String bucket = localRun != null ? localRun.failureBucket() : source.bucket;
        URI graphqlUrl = localRun != null ? localRun.graphqlUrl() : source.graphqlUrl;
        if (source.stack != null) {
            try (CloudFormationClient cloudFormation = aws.cloudFormation(signingRegion)) {
                StackOutputs outputs = new StackOutputs(cloudFormation);
                bucket = outputs.value(source.stack, FAILURE_BUCKET_OUTPUT);
                if (graphqlUrl == null) {
                    graphqlUrl = URI.create(outputs.value(apiStack(), GRAPHQL_URL_OUTPUT));
                }
            }
        }
        AppSyncClientConfig defaults = AppSyncClientConfig.defaults(graphqlUrl, signingRegion);
        AppSyncClient appSync = AppSyncClient.builder(defaults.withBatchLimits(mutationsPerRequest,
                        defaults.maxRequestBytes()))
                .credentialsProvider(credentials)
                .build();
        var s3Builder = S3Client.builder()
                .region(signingRegion)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create());
        if (local) {
            // Local S3-compatible servers serve buckets as paths, not as host names.
            s3Builder.endpointOverride(s3Endpoint).forcePathStyle(true);
        }
        target = new Target(bucket, signingRegion, credentials, local);
        try (S3Client s3 = s3Builder.build()) {
            out.println((dryRun ? "dry run: " : "") + "replaying s3://" + bucket + " to " + graphqlUrl);
            return new TickReplayer(s3, bucket, new AppSyncReplaySink(appSync), new ObjectMapper(), out).replay(dryRun);
        } catch (NoSuchBucketException e) {
            throw new ReplayFailure(TicksCli.BUCKET_MISSING, "bucket " + bucket + " does not exist", e);
        }
    }

    /**
     * Sends the run's counts to CloudWatch. A failure here loses nothing of the replay (already done and
     * reported): it is a warning, and the exit code stays the replay's.
     */
    private void publishMetrics(TickReplayer.Summary summary, PrintWriter out, PrintWriter err) {
        AwsClients aws = parent.aws();
        if (target.local() && aws.cloudWatchEndpoint() == null) {
            out.println("metrics: not published (" + (source.local != null ? "--local" : "--endpoint-url")
                    + ": the local servers have no CloudWatch)");
            return;
        }
        try (CloudWatchClient cloudWatch = aws.cloudWatch(target.region(), target.credentials())) {
            new ReplayMetrics(cloudWatch, Clock.systemUTC()).publish(target.bucket(), summary);
            out.println("metrics: " + ReplayMetrics.PUBLISHED + "=" + summary.published() + " "
                    + ReplayMetrics.ALREADY_DELIVERED + "=" + summary.alreadyDelivered() + " published to CloudWatch ("
                    + JavaFunction.METRICS_NAMESPACE + ", " + ReplayMetrics.BUCKET_DIMENSION + "=" + target.bucket()
                    + ")");
        } catch (SdkException e) {
            err.println("ticks replay: warning: the replay went as reported above, but its metrics were not published"
                    + " to CloudWatch (" + String.valueOf(e.getMessage()).replaceAll("\\s+", " ") + "): the"
                    + " dashboard's replayed-ticks graph misses this run. The caller needs cloudwatch:PutMetricData.");
        }
    }

    private String apiStack() {
        if (source.apiStack != null) {
            return source.apiStack;
        }
        if (!source.stack.endsWith("-streaming")) {
            throw new ParameterException(spec.commandLine(),
                    "--stack " + source.stack + " does not end in -streaming: name the API stack with --api-stack");
        }
        return source.stack.substring(0, source.stack.length() - "-streaming".length()) + "-api";
    }
}
