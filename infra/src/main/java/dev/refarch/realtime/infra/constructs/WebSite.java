package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.CdkJson;
import dev.refarch.realtime.infra.config.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.ErrorResponse;
import software.amazon.awscdk.services.cloudfront.HeadersFrameOption;
import software.amazon.awscdk.services.cloudfront.HeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.PriceClass;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersContentSecurityPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersContentTypeOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersFrameOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersStrictTransportSecurity;
import software.amazon.awscdk.services.cloudfront.ResponseSecurityHeadersBehavior;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.S3BucketOrigin;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.CacheControl;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The web page on AWS: a private, encrypted S3 bucket read only by a CloudFront distribution
 * through origin access control, HTTPS only, with security headers whose content security policy
 * ({@link WebContentPolicy}) allows exactly the API's endpoints. One deployment puts the built page
 * ({@code web/dist}), the shipped catalog's posters ({@value #POSTERS_PREFIX}) and a
 * {@code config.json} written at deploy time from the API's endpoints and key, so the build is
 * the same for every stage and no step follows the deploy.
 */
public final class WebSite extends Construct {

    /** Where the catalog's posters are published, below the page's origin. */
    public static final String POSTERS_PREFIX = "posters/";

    private final Bucket bucket;
    private final Distribution distribution;

    /** What the page needs to know about the API; the values may be tokens. */
    public record Api(String graphqlUrl, String realtimeUrl, String apiKey, String region, List<String> symbols) {
    }

    public WebSite(Construct scope, String id, Api api, Stage stage) {
        super(scope, id);
        Path root = CdkJson.projectRoot(Path.of("").toAbsolutePath());
        Path dist = root.resolve("web/dist");
        Path catalog = root.resolve("lambdas/movie-rotator/src/main/resources/catalog");
        if (!Files.isRegularFile(dist.resolve("index.html"))) {
            throw new IllegalStateException(dist.resolve("index.html") + " is missing: build the page first "
                    + "(mvn -pl infra -am package -DskipTests builds it; `npx cdk synth` does this through cdk.json)");
        }

        bucket = Bucket.Builder.create(this, "Bucket")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .removalPolicy(stage.removalPolicy())
                .autoDeleteObjects(stage == Stage.DEV)
                .build();
        Validations.of(bucket).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-S1")
                .reason("Holds only the public page, its posters and config.json, written by the deployment and "
                        + "read only by the distribution (origin access control); server access logs would need a "
                        + "second bucket to record reads of files everyone may read.")
                .build());

        ResponseHeadersPolicy headers = ResponseHeadersPolicy.Builder.create(this, "SecurityHeaders")
                .comment("Realtime Refarch page: CSP naming the API's endpoints, HSTS, nosniff, no framing")
                .securityHeadersBehavior(ResponseSecurityHeadersBehavior.builder()
                        .contentSecurityPolicy(ResponseHeadersContentSecurityPolicy.builder()
                                .contentSecurityPolicy(WebContentPolicy.of(api.graphqlUrl(), api.realtimeUrl(),
                                        List.of(WebContentPolicy.TMDB_IMAGES)))
                                .override(true)
                                .build())
                        .strictTransportSecurity(ResponseHeadersStrictTransportSecurity.builder()
                                .accessControlMaxAge(Duration.days(365)).includeSubdomains(true).override(true).build())
                        .contentTypeOptions(ResponseHeadersContentTypeOptions.builder().override(true).build())
                        .frameOptions(ResponseHeadersFrameOptions.builder()
                                .frameOption(HeadersFrameOption.DENY).override(true).build())
                        .referrerPolicy(ResponseHeadersReferrerPolicy.builder()
                                .referrerPolicy(HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN).override(true).build())
                        .build())
                .build();

        distribution = Distribution.Builder.create(this, "Distribution")
                .comment("Realtime Refarch web page")
                .defaultRootObject("index.html")
                .defaultBehavior(BehaviorOptions.builder()
                        .origin(S3BucketOrigin.withOriginAccessControl(bucket))
                        .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
                        .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                        .cachePolicy(CachePolicy.CACHING_OPTIMIZED)
                        .responseHeadersPolicy(headers)
                        .compress(true)
                        .build())
                .errorResponses(List.of(ErrorResponse.builder()
                        .httpStatus(403).responseHttpStatus(404).responsePagePath("/index.html").ttl(Duration.seconds(10)).build()))
                .httpVersion(HttpVersion.HTTP2_AND_3)
                .priceClass(PriceClass.PRICE_CLASS_100)
                .enableIpv6(true)
                .build();
        Validations.of(distribution).acknowledge(
                Acknowledgment.builder().id("AwsSolutions::AwsSolutions-CFR1")
                        .reason("The page is for every viewer; no country is to be refused.").build(),
                Acknowledgment.builder().id("AwsSolutions::AwsSolutions-CFR2")
                        .reason("A static page of public files with no forms or server logic behind CloudFront; "
                                + "the API it calls is AppSync's own endpoint, not routed through this distribution. "
                                + "A web ACL would cost more than the page.").build(),
                Acknowledgment.builder().id("AwsSolutions::AwsSolutions-CFR3")
                        .reason("Standard access logs need an ACL-enabled log bucket; the page's reads carry nothing "
                                + "to audit (public files) and CloudFront's metrics show traffic and errors.").build(),
                Acknowledgment.builder().id("AwsSolutions::AwsSolutions-CFR4")
                        .reason("The default *.cloudfront.net certificate, whose security policy CloudFront fixes "
                                + "at TLSv1 (a minimum protocol version applies to custom certificates only); a custom "
                                + "domain and certificate would need a hosted zone this app does not own.").build());

        // Re-validated on every request (ETag), so a redeploy is visible at once without invalidations.
        BucketDeployment deployment = BucketDeployment.Builder.create(this, "Deployment")
                .destinationBucket(bucket)
                .sources(List.of(
                        Source.asset(dist.toString()),
                        Source.asset(catalog.toString(), software.amazon.awscdk.services.s3.assets.AssetOptions.builder()
                                .exclude(List.of("movies.json")).build()),
                        // Sorted: Map.of's order changes with every JVM, and with it the file, its
                        // asset hash and so the template of every synth.
                        Source.jsonData("config.json", new TreeMap<>(Map.of(
                                "graphqlUrl", api.graphqlUrl(),
                                "realtimeUrl", api.realtimeUrl(),
                                "apiKey", api.apiKey(),
                                "region", api.region(),
                                "symbols", api.symbols())))))
                .cacheControl(List.of(CacheControl.noCache()))
                .prune(true)
                .memoryLimit(256)
                // The provider's logs with the stage's retention (CDK's own group keeps them two years).
                .logGroup(software.amazon.awscdk.services.logs.LogGroup.Builder.create(this, "DeploymentLogs")
                        .retention(stage.logRetention())
                        .removalPolicy(stage.removalPolicy())
                        .build())
                .build();
        acknowledgeDeploymentProvider(deployment);
    }

    /**
     * CDK's BucketDeployment brings its own provider function (one per stack and memory size) with a
     * fixed role: the basic execution managed policy and s3 wildcard actions on the asset bucket and
     * this bucket, set by the CDK, not by this construct. Acknowledged on that provider only, finding
     * by finding.
     */
    private void acknowledgeDeploymentProvider(BucketDeployment deployment) {
        Stack stack = Stack.of(this);
        String bucketId = stack.resolve(stack.getLogicalId((CfnElement) bucket.getNode().getDefaultChild())).toString();
        IConstruct provider = stack.getNode().getChildren().stream()
                .filter(c -> c.getNode().getId().startsWith("Custom::CDKBucketDeployment"))
                .findFirst().orElseThrow(() -> new IllegalStateException("no BucketDeployment provider in " + stack));
        String why = "CDK's BucketDeployment provider, whose role the CDK sets: it copies the page's asset zips "
                + "from the bootstrap asset bucket into this bucket (read, write and prune, so whole-prefix "
                + "s3 actions on objects of these two buckets only) and logs through the basic execution policy.";
        List<String> findings = List.of(
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                "AwsSolutions-IAM5[Action::s3:GetBucket*]",
                "AwsSolutions-IAM5[Action::s3:GetObject*]",
                "AwsSolutions-IAM5[Action::s3:List*]",
                "AwsSolutions-IAM5[Action::s3:Abort*]",
                "AwsSolutions-IAM5[Action::s3:DeleteObject*]",
                "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]",
                "AwsSolutions-IAM5[Resource::<" + bucketId + ".Arn>/*]");
        for (String finding : findings) {
            Validations.of(provider).acknowledge(Acknowledgment.builder()
                    .id("AwsSolutions::" + finding).reason(why).build());
        }
        Validations.of(provider).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-L1")
                .reason("The provider's runtime is chosen by the CDK version (BucketDeployment offers no runtime "
                        + "option); it runs only during deploys and moves with CDK upgrades.")
                .build());
    }

    public Bucket bucket() {
        return bucket;
    }

    public Distribution distribution() {
        return distribution;
    }

    /** https://<domain>: the page's URL without the trailing slash. */
    public String url() {
        return "https://" + distribution.getDistributionDomainName();
    }
}
