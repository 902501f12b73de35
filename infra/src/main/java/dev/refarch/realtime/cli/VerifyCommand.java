package dev.refarch.realtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.checks.CheckResult;
import dev.refarch.realtime.checks.CheckSettings;
import dev.refarch.realtime.checks.PageTarget;
import dev.refarch.realtime.checks.ProducerTarget;
import dev.refarch.realtime.checks.SystemEndpoints;
import dev.refarch.realtime.checks.SystemVerifier;
import dev.refarch.realtime.checks.VerifyReport;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.CdkJson;
import dev.refarch.realtime.infra.config.InvalidConfigException;
import dev.refarch.realtime.infra.config.OperationsConfig;
import dev.refarch.realtime.infra.stacks.ApiStack;
import dev.refarch.realtime.infra.stacks.StreamingStack;
import dev.refarch.realtime.infra.stacks.WebStack;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
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

/**
 * {@code system verify}: finds the API (the API stack's outputs, or the local run's ready file), runs
 * {@link SystemVerifier}'s checks, prints a line per check as it ends (or, with {@code --json}, one
 * JSON report), and exits 0 only if none failed. The page is found from the web stack's {@code WebUrl}
 * (or the ready file's web server), the tick producer from the streaming stack's
 * {@code ProducerFunctionArn} (or the ready file); the stacks are the API stack's siblings
 * ({@code <prefix>-web}, {@code <prefix>-streaming}) unless named.
 */
@Command(name = "verify",
        description = {
            "Proves the system works end to end, in about half a minute, one line per check:",
            "  page: the web stack's WebUrl serves the page; its config.json names this API's endpoints and key;"
                    + " its Content-Security-Policy's connect-src names exactly the API's GraphQL and real-time"
                    + " endpoints; a request with the API key is not blocked by the WAF;",
            "  realtime-handshake: connects to the real-time endpoint with the API key as the page does and"
                    + " subscribes to onCurrentMovie, onReviews, onMessage and onTick(" + CheckSettings.VERIFY_SYMBOL + ");",
            "  ticks-one-per-request, ticks-aliased: publishes canary ticks of the reserved symbol "
                    + CheckSettings.VERIFY_SYMBOL + ", signed with your IAM credentials (publishTick), one mutation per"
                    + " request and then aliased in one request as the consumer sends them; each batch must reach the"
                    + " subscriber in order;",
            "  stale-tick: the last tick again must be refused as StaleTick and reach no one;",
            "  streaming-path (streaming on): invokes the tick producer's live alias once with a canary event; it"
                    + " writes one " + CheckSettings.VERIFY_SYMBOL + " tick to the topic, which must reach the"
                    + " subscriber through the MSK event source mapping and the consumer (one producer and one"
                    + " consumer invocation);",
            "  vote-and-review: one MEH vote on the current movie is answered with its count, and the"
                    + " review broadcaster's onReviews board follows within reviewBroadcastMillis plus 3 s;",
            "  chat: a message (author " + CheckSettings.VERIFY_AUTHOR + ") reaches two connections; an invalid one is"
                    + " refused and reaches none;",
            "  movie-rotation: a new movie arrives within two rotations (plus half a rotation, at most 5 s).",
            "It changes what viewers see by one MEH vote and one chat message of " + CheckSettings.VERIFY_AUTHOR
                    + "; its ticks go to " + CheckSettings.VERIFY_SYMBOL + " alone.",
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

    @Option(names = "--web-stack", paramLabel = "NAME",
            description = "The web stack, for its " + WebStack.URL_OUTPUT + " output; default: the API stack's name"
                    + " with -web for -api.")
    private String webStack;

    @Option(names = "--streaming-stack", paramLabel = "NAME",
            description = "The streaming stack, for its " + StreamingStack.PRODUCER_FUNCTION_OUTPUT + " output; default:"
                    + " the API stack's name with -streaming for -api. Not read when cdk.json says streaming=off.")
    private String streamingStack;

    @Option(names = "--streaming-timeout-seconds", paramLabel = "N",
            description = "How long the produced tick may take to reach the subscriber; default: "
                    + CheckSettings.STREAMING_TIMEOUT_SECONDS + ".")
    private Integer streamingTimeoutSeconds;

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
            SystemVerifier verifier = new SystemVerifier(endpoints, settings, Clock.systemUTC());
            targets(verifier, endpoints);
            int width = EnumSet.allOf(SystemVerifier.Check.class).stream().map(SystemVerifier.Check::id)
                    .mapToInt(String::length).max().orElse(0);
            if (!json) {
                out.println("system verify: " + (target.local != null ? "the local run (" + target.local + ")"
                        : "stack " + target.stack) + ", " + endpoints.graphqlUrl());
                out.flush();
            }
            VerifyReport whole = verifier.run(EnumSet.allOf(SystemVerifier.Check.class), result -> {
                if (!json) {
                    out.println(VerifyReport.line(result, width));
                    out.flush();
                }
            });
            if (json) {
                ObjectNode document = whole.toJson();
                document.put("target", target.local != null ? "local" : target.stack);
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
            } else {
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
        if (streamingTimeoutSeconds != null && streamingTimeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--streaming-timeout-seconds must be at least 1");
        }
        CheckSettings settings = CheckSettings.of(Duration.ofSeconds(rotation), Duration.ofMillis(broadcast));
        return streamingTimeoutSeconds == null ? settings
                : settings.withStreamingTimeout(Duration.ofSeconds(streamingTimeoutSeconds));
    }

    /** cdk.json's context, when it can be read (the streaming and waf switches); empty otherwise. */
    private static Optional<java.util.Map<String, Object>> context() {
        try {
            return Optional.of(CdkJson.context());
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    /**
     * Gives the verifier the page and the tick producer: from the ready file (the local run's web server,
     * its producer behind the gateway's Lambda API), or from the web and streaming stacks' outputs. The
     * streaming path is skipped when cdk.json says {@code streaming=off}; a stack that cannot be read
     * makes its check fail with the reason, not the run.
     */
    private void targets(SystemVerifier verifier, SystemEndpoints endpoints) {
        if (target.local != null) {
            LocalRunFile run = LocalRunFile.read(target.local);
            verifier.withPage(new PageTarget(run.webUrl(), false));
            verifier.withStreamingPath(new ProducerTarget(run.awsEndpoint(), run.producerFunctionArn(),
                    endpoints.region(), run.credentials()));
            return;
        }
        Optional<java.util.Map<String, Object>> context = context();
        boolean streaming = context.map(c -> AppConfig.from(c::get).streaming()).orElse(true);
        boolean waf = context.map(c -> OperationsConfig.from(c::get).waf()).orElse(true);
        AwsClients aws = parent.aws();
        try (CloudFormationClient cloudFormation = aws.cloudFormation(endpoints.region())) {
            StackOutputs outputs = new StackOutputs(cloudFormation);
            String web = sibling(webStack, "-web");
            try {
                verifier.withPage(new PageTarget(URI.create(outputs.value(web, WebStack.URL_OUTPUT)), waf));
            } catch (SeedFailure | SdkException e) {
                verifier.failing(SystemVerifier.Check.PAGE, "the web stack " + web + "'s " + WebStack.URL_OUTPUT,
                        oneLine(e), "the web stack is not deployed, or has another name (--web-stack NAME)");
            }
            if (!streaming) {
                verifier.skipping(SystemVerifier.Check.STREAMING_PATH, "streaming is off (cdk.json's streaming):"
                        + " no producer, topic or consumer is deployed");
                return;
            }
            String stack = sibling(streamingStack, "-streaming");
            try {
                verifier.withStreamingPath(new ProducerTarget(URI.create("https://lambda." + endpoints.region().id()
                        + ".amazonaws.com"), outputs.value(stack, StreamingStack.PRODUCER_FUNCTION_OUTPUT),
                        endpoints.region(), endpoints.credentials()));
            } catch (SeedFailure | SdkException e) {
                verifier.failing(SystemVerifier.Check.STREAMING_PATH, "the streaming stack " + stack + "'s "
                        + StreamingStack.PRODUCER_FUNCTION_OUTPUT, oneLine(e), "cdk.json says streaming is on but the"
                        + " streaming stack is not deployed, has another name (--streaming-stack NAME), or predates"
                        + " this output (redeploy it)");
            }
        }
    }

    private static String oneLine(Exception e) {
        return String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
    }

    /** A stack beside the API stack: the option's name, else the API stack's with {@code suffix} for {@code -api}. */
    private String sibling(String option, String suffix) {
        if (option != null) {
            return option;
        }
        String api = target.stack;
        return (api.endsWith("-api") ? api.substring(0, api.length() - "-api".length()) : api) + suffix;
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
}
