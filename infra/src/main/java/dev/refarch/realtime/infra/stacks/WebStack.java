package dev.refarch.realtime.infra.stacks;

import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.constructs.WebSite;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The audience's page for both experiences: {@link WebSite} (S3 + CloudFront) configured with
 * the API stack's endpoints and key at deploy time. Its URL is the stack's {@value #URL_OUTPUT}
 * output; the movie rotator links the catalog's posters below it.
 */
public final class WebStack extends Stack {

    public static final String URL_OUTPUT = "WebUrl";
    public static final String BUCKET_OUTPUT = "WebBucketName";
    public static final String DISTRIBUTION_OUTPUT = "DistributionId";

    private final WebSite site;

    public WebStack(Construct scope, String id, StackProps props, AppConfig config, ApiStack api) {
        super(scope, id, props);
        site = new WebSite(this, "Site", new WebSite.Api(api.api().api().getGraphqlUrl(), api.api().realtimeUrl(),
                api.api().api().getApiKey(), api.getRegion(), config.symbols()), config.stage());

        CfnOutput.Builder.create(this, URL_OUTPUT).value(site.url() + "/")
                .description("Open this: the page for both experiences").build();
        CfnOutput.Builder.create(this, BUCKET_OUTPUT).value(site.bucket().getBucketName())
                .description("The page's private bucket (written by the deployment only)").build();
        CfnOutput.Builder.create(this, DISTRIBUTION_OUTPUT).value(site.distribution().getDistributionId())
                .description("The page's CloudFront distribution").build();
    }

    public WebSite site() {
        return site;
    }

    /** Where the rotator links the shipped catalog's posters: {@code https://<domain>/posters}. */
    public String postersBaseUrl() {
        return site.url() + "/" + WebSite.POSTERS_PREFIX.substring(0, WebSite.POSTERS_PREFIX.length() - 1);
    }
}
