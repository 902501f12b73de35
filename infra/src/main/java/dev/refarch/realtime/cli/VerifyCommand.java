package dev.refarch.realtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.checks.CheckResult;
import dev.refarch.realtime.checks.CheckSettings;
import dev.refarch.realtime.checks.SystemEndpoints;
import dev.refarch.realtime.checks.SystemVerifier;
import dev.refarch.realtime.checks.VerifyReport;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.CdkJson;
import dev.refarch.realtime.infra.config.InvalidConfigException;
import dev.refarch.realtime.infra.stacks.ApiStack;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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

/**
 * {@code system verify}: finds the API (the API stack's outputs, or the local run's ready file), runs
 * {@link SystemVerifier}'s checks, prints a line per check as it ends (or, with {@code --json}, one
 * JSON report), and exits 0 only if none failed. The checks not built yet are listed as skipped.
 */
@Command(name = "verify",
        description = {
            "Proves the system works end to end, in about half a minute, one line per check:",
            "  realtime-handshake: connects to the real-time endpoint with the API key as the page does and"
                    + " subscribes to onCurrentMovie, onReview, onMessage and onTick(" + CheckSettings.VERIFY_SYMBOL + ");",
            "  ticks-one-per-request, ticks-aliased: publishes canary ticks of the reserved symbol "
                    + CheckSettings.VERIFY_SYMBOL + ", signed with your IAM credentials (publishTick), one mutation per"
                    + " request and then aliased in one request as the consumer sends them; each batch must reach the"
                    + " subscriber in order;",
            "  stale-tick: the last tick again must be refused as StaleTick and reach no one;",
            "  vote-and-review: one MEH vote on the current movie is answered with its count, and the"
                    + " review broadcaster's onReview follows within reviewBroadcastMillis plus 3 s;",
            "  chat: a message (author " + CheckSettings.VERIFY_AUTHOR + ") reaches two connections; an invalid one is"
                    + " refused and reaches none;",
            "  movie-rotation: a new movie arrives within two rotations (plus half a rotation, at most 5 s).",
            "It changes what viewers see by one MEH vote and one chat message of " + CheckSettings.VERIFY_AUTHOR
                    + "; its ticks go to " + CheckSettings.VERIFY_SYMBOL + " alone. Not checked yet (SKIP): the page"
                    + " (config.json, CSP, WAF) and the streaming path.",
            "The intervals come from cdk.json's context (rotationSeconds, reviewBroadcastMillis) unless given."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            SystemCli.OK + ":every check passed",
            "1:unexpected error",
            SystemCli.USAGE + ":usage error",
            SystemCli.UNKNOWN_STACK + ":the stack does not exist",
            SystemCli.MISSING_OUTPUT + ":the stack lacks an output needed",
            SystemCli.NO_CREDENTIALS + ":no AWS credentials",
            SystemCli.NO_REGION + ":no AWS region",
            SystemCli.AWS_ERROR + ":other AWS error reading the stack",
            SystemCli.CHECK_FAILED + ":a check failed"})
final class VerifyCommand implements Callable<Integer> {

    /** Checks not built yet, listed so a reader knows they were not run. */
    static final String PAGE = "page";
    static final String STREAMING_PATH = "streaming-path";

    @ParentCommand
    private SystemCli parent;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Target target;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region of the stack; default: the SDK's region chain (AWS_REGION, profile).")
    private String region;

    @Option(names = "--json", description = "Print one JSON report (for CI) instead of a line per check.")
    private boolean json;

    @Option(names = "--rotation-seconds", paramLabel = "N",
            description = "The stage's rotationSeconds; default: cdk.json's context (a stage deployed with"
                    + " -c rotationSeconds=N needs it here too).")
    private Integer rotationSeconds;

    @Option(names = "--review-broadcast-millis", paramLabel = "N",
            description = "The stage's reviewBroadcastMillis; default: cdk.json's context.")
    private Integer reviewBroadcastMillis;

    static final class Target {
        @Option(names = "--stack", paramLabel = "NAME", required = true,
                description = "The API stack (e.g. realtime-refarch-dev-api): its " + ApiStack.GRAPHQL_URL_OUTPUT + ", "
                        + ApiStack.REALTIME_URL_OUTPUT + " and " + ApiStack.API_KEY_OUTPUT + " outputs. The canary"
                        + " ticks are signed with the default AWS credentials (the operator policy allows them).")
        String stack;

        @Option(names = "--local", paramLabel = "READY_FILE", arity = "0..1",
                fallbackValue = LocalRunFile.DEFAULT_LOCATION, required = true,
                description = "The local run's ready file (alone: " + LocalRunFile.DEFAULT_LOCATION + ", where the run"
                        + " writes it unless told otherwise): its API and API key; the canary ticks go through its IAM"
                        + " gateway, signed as its operator identity (the stack's operator policy).")
        Path local;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            CheckSettings settings = settings();
            SystemEndpoints endpoints = endpoints();
            List<CheckResult> skipped = skipped();
            int width = Stream.concat(EnumSet.allOf(SystemVerifier.Check.class).stream().map(SystemVerifier.Check::id),
                    skipped.stream().map(CheckResult::name)).mapToInt(String::length).max().orElse(0);
            if (!json) {
                out.println("system verify: " + (target.local != null ? "the local run (" + target.local + ")"
                        : "stack " + target.stack) + ", " + endpoints.graphqlUrl());
                out.flush();
            }
            VerifyReport report = new SystemVerifier(endpoints, settings, Clock.systemUTC())
                    .run(EnumSet.allOf(SystemVerifier.Check.class), result -> {
                        if (!json) {
                            out.println(VerifyReport.line(result, width));
                            out.flush();
                        }
                    });
            List<CheckResult> all = new ArrayList<>(report.checks());
            all.addAll(skipped);
            VerifyReport whole = new VerifyReport(all, report.took());
            if (json) {
                ObjectNode document = whole.toJson();
                document.put("target", target.local != null ? "local" : target.stack);
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
            } else {
                skipped.forEach(skip -> out.println(VerifyReport.line(skip, width)));
                out.println(whole.summary());
            }
            out.flush();
            return whole.passed() ? SystemCli.OK : SystemCli.CHECK_FAILED;
        } catch (IllegalArgumentException unreadable) {
            err.println("system verify: " + unreadable.getMessage());
            return SystemCli.USAGE;
        } catch (SeedFailure failure) {
            err.println("system verify: " + failure.getMessage());
            return failure.exitCode();
        } catch (SdkException e) {
            err.println("system verify: AWS error: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
            return SystemCli.AWS_ERROR;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The intervals of the stage: the options, else cdk.json's context, validated as synth validates it. */
    private CheckSettings settings() {
        int rotation;
        int broadcast;
        if (rotationSeconds != null && reviewBroadcastMillis != null) {
            rotation = rotationSeconds;
            broadcast = reviewBroadcastMillis;
        } else {
            AppConfig config;
            try {
                config = AppConfig.from(CdkJson.context()::get);
            } catch (IllegalStateException | InvalidConfigException e) {
                throw new IllegalArgumentException("cannot read rotationSeconds and reviewBroadcastMillis from"
                        + " cdk.json (" + e.getMessage() + "): run from the project folder, or pass --rotation-seconds"
                        + " and --review-broadcast-millis", e);
            }
            rotation = rotationSeconds != null ? rotationSeconds : config.rotationSeconds();
            broadcast = reviewBroadcastMillis != null ? reviewBroadcastMillis : config.reviewBroadcastMillis();
        }
        if (rotation < 1 || broadcast < 0) {
            throw new ParameterException(spec.commandLine(), "--rotation-seconds must be at least 1 and"
                    + " --review-broadcast-millis at least 0");
        }
        return CheckSettings.of(Duration.ofSeconds(rotation), Duration.ofMillis(broadcast));
    }

    private SystemEndpoints endpoints() {
        if (target.local != null) {
            LocalRunFile run = LocalRunFile.read(target.local);
            Region signingRegion = region == null ? AwsClients.LOCAL_REGION : Region.of(region);
            return new SystemEndpoints(run.publicGraphqlUrl(), run.realtimeUrl(), run.apiKey(), run.graphqlUrl(),
                    signingRegion, run.credentials());
        }
        AwsClients aws = parent.aws();
        Region signingRegion = aws.region(region);
        // Before any request: a missing credential is reported as such, and nothing is sent.
        aws.requireCredentials();
        try (CloudFormationClient cloudFormation = aws.cloudFormation(signingRegion)) {
            StackOutputs outputs = new StackOutputs(cloudFormation);
            URI graphqlUrl = URI.create(outputs.value(target.stack, ApiStack.GRAPHQL_URL_OUTPUT));
            URI realtimeUrl = URI.create(outputs.value(target.stack, ApiStack.REALTIME_URL_OUTPUT));
            String apiKey = outputs.value(target.stack, ApiStack.API_KEY_OUTPUT);
            return new SystemEndpoints(graphqlUrl, realtimeUrl, apiKey, graphqlUrl, signingRegion, aws.credentials());
        }
    }

    private List<CheckResult> skipped() {
        return List.of(
                CheckResult.skip(PAGE, target.local != null ? "deployed only (WebUrl, config.json, CSP, WAF); and not"
                        + " built yet" : "not built yet: WebUrl, its config.json, the CSP header and the WAF"),
                CheckResult.skip(STREAMING_PATH, "not built yet: a tick produced to the topic reaching a subscriber"));
    }
}
