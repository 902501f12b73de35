package dev.refarch.realtime.infra;

import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.CdkJson;
import dev.refarch.realtime.infra.config.OperationsConfig;
import dev.refarch.realtime.infra.stacks.ApiStack;
import dev.refarch.realtime.infra.stacks.MoviesStack;
import dev.refarch.realtime.infra.stacks.NetworkStack;
import dev.refarch.realtime.infra.stacks.ObservabilityStack;
import dev.refarch.realtime.infra.stacks.StreamingStack;
import dev.refarch.realtime.infra.stacks.WebStack;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.IConstruct;
import dev.refarch.realtime.infra.constructs.FunctionLogging;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.Validations;

/**
 * The CDK app: reads the configuration once, adds the stacks, and gates synth on cdk-nag's
 * AwsSolutions rules. Environment-agnostic, so it synthesizes offline with no account lookups.
 */
public final class RealtimeApp {

    private RealtimeApp() {
    }

    public static void main(String[] args) {
        Map<String, Object> context = new HashMap<>(CdkJson.context());
        AppProps.Builder props = AppProps.builder().context(context);
        if (System.getenv("CDK_OUTDIR") == null) {
            // Run outside the CDK CLI: write where the CLI would.
            props.outdir(CdkJson.projectRoot(java.nio.file.Path.of("").toAbsolutePath()).resolve("cdk.out").toString());
        }
        create(new App(props.build()), Clock.systemUTC()).synth();
    }

    /**
     * Adds every stack to {@code app}. Under the CDK CLI, the CLI's context (cdk.json plus
     * {@code -c}) overrides what the app was given.
     */
    public static App create(App app, Clock clock) {
        AppConfig config = AppConfig.from(app.getNode()::tryGetContext);
        OperationsConfig ops = OperationsConfig.from(app.getNode()::tryGetContext);
        LocalDate synthDay = LocalDate.now(clock);

        String prefix = config.prefix();
        ApiStack api = new ApiStack(app, prefix + "-api", StackProps.builder()
                .description("Realtime Refarch: AppSync GraphQL API, DynamoDB tables, resolvers, Reviews seeding")
                .build(), config, synthDay);
        WebStack web = new WebStack(app, prefix + "-web", StackProps.builder()
                .description("Realtime Refarch: the web page (S3, CloudFront) with its config and the catalog's posters")
                .build(), config, api);
        MoviesStack movies = new MoviesStack(app, prefix + "-movies", StackProps.builder()
                .description("Realtime Refarch: TMDb movie rotator, its schedule and secret")
                .build(), config, api, web.postersBaseUrl());
        StreamingStack streaming = null;
        if (config.streaming()) {
            NetworkStack network = new NetworkStack(app, prefix + "-network", StackProps.builder()
                    .description("Realtime Refarch: VPC, NAT, flow logs and endpoints for the streaming half")
                    .build(), config);
            streaming = new StreamingStack(app, prefix + "-streaming", StackProps.builder()
                    .description("Realtime Refarch: MSK cluster, ticks topic, producer and consumer functions")
                    .build(), config, network.vpc(), api);
        }
        new ObservabilityStack(app, prefix + "-observability", StackProps.builder()
                .description("Realtime Refarch: dashboard, alarms and their topic, WAF on the API, API key renewal")
                .build(), config, ops, api, movies, streaming);

        for (IConstruct child : app.getNode().getChildren()) {
            if (child instanceof Stack stack) {
                FunctionLogging.applyTo(stack, config.stage());
            }
        }
        Tags.of(app).add("app", config.appName());
        Tags.of(app).add("stage", config.stage().id());
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
        return app;
    }
}
