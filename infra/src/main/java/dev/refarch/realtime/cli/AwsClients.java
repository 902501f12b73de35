package dev.refarch.realtime.cli;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Where the CLI's AWS clients get credentials, region and endpoints. {@link #defaults()} is
 * what a user gets; tests pass their own, with loopback endpoints.
 *
 * @param credentials used for every call to AWS (not for a local DynamoDB)
 * @param regionProvider asked when no {@code --region} is given
 * @param cloudFormationEndpoint null for AWS's endpoint of the region
 * @param dynamoDbEndpoint null for AWS's endpoint of the region
 * @param cloudWatchEndpoint null for AWS's endpoint of the region
 */
public record AwsClients(AwsCredentialsProvider credentials, AwsRegionProvider regionProvider,
        URI cloudFormationEndpoint, URI dynamoDbEndpoint, URI cloudWatchEndpoint) {

    /** With AWS's CloudWatch endpoint. */
    public AwsClients(AwsCredentialsProvider credentials, AwsRegionProvider regionProvider,
            URI cloudFormationEndpoint, URI dynamoDbEndpoint) {
        this(credentials, regionProvider, cloudFormationEndpoint, dynamoDbEndpoint, null);
    }

    /** DynamoDB Local ignores credentials but the SDK must sign with some. */
    private static final StaticCredentialsProvider LOCAL_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    /** A local DynamoDB needs a region to sign with; the environment's would be a surprise. */
    static final Region LOCAL_REGION = Region.US_EAST_1;

    /** The SDK's default credential chain and region chain, and AWS's endpoints. */
    public static AwsClients defaults() {
        return new AwsClients(DefaultCredentialsProvider.builder().build(),
                DefaultAwsRegionProviderChain.builder().build(), null, null);
    }

    /**
     * {@code option} if given, else the region provider's region.
     *
     * @throws SeedFailure with {@link ReviewsCli#NO_REGION} when there is none
     */
    public Region region(String option) {
        if (option != null) {
            return Region.of(option);
        }
        try {
            return regionProvider.getRegion();
        } catch (SdkClientException e) {
            throw new SeedFailure(ReviewsCli.NO_REGION,
                    "no AWS region: pass --region, or set AWS_REGION or a region in your AWS profile", e);
        }
    }

    /**
     * Resolves the credentials now, so a missing one is reported as such, before any request.
     *
     * @throws SeedFailure with {@link ReviewsCli#NO_CREDENTIALS} when the chain finds none
     */
    public void requireCredentials() {
        try {
            credentials.resolveCredentials();
        } catch (SdkClientException e) {
            throw new SeedFailure(ReviewsCli.NO_CREDENTIALS,
                    "no AWS credentials: configure a profile (aws configure / aws sso login), set"
                            + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --endpoint for a local DynamoDB",
                    e);
        }
    }

    public CloudFormationClient cloudFormation(Region region) {
        var builder = CloudFormationClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create());
        if (cloudFormationEndpoint != null) {
            builder.endpointOverride(cloudFormationEndpoint);
        }
        return builder.build();
    }

    /** A CloudWatch client with {@code credentials} (the CLI's own, or the fixed local ones). */
    public CloudWatchClient cloudWatch(Region region, AwsCredentialsProvider credentials) {
        var builder = CloudWatchClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create());
        if (cloudWatchEndpoint != null) {
            builder.endpointOverride(cloudWatchEndpoint);
        }
        return builder.build();
    }

    public DynamoDbClient dynamoDb(Region region) {
        var builder = DynamoDbClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create());
        if (dynamoDbEndpoint != null) {
            builder.endpointOverride(dynamoDbEndpoint);
        }
        return builder.build();
    }

    /** A client for a DynamoDB the user runs themselves, such as DynamoDB Local. */
    public static DynamoDbClient localDynamoDb(URI endpoint, Region region) {
        return localDynamoDb(endpoint, region, LOCAL_CREDENTIALS);
    }

    /** A client for a local DynamoDB endpoint that checks who signs (the local run's IAM gateway). */
    public static DynamoDbClient localDynamoDb(URI endpoint, Region region, AwsCredentialsProvider credentials) {
        return DynamoDbClient.builder()
                .region(region)
                .endpointOverride(endpoint)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
