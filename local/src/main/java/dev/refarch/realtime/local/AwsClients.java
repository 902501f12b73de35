package dev.refarch.realtime.local;

import java.net.URI;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** SDK clients for the local servers ({@link AwsAccess}: where and as whom); never the real endpoints. */
final class AwsClients {

    private AwsClients() {
    }

    /** The run's set-up client, straight to the stand-in. */
    static DynamoDbClient dynamo(URI endpoint) {
        return dynamo(AwsAccess.direct(endpoint));
    }

    static DynamoDbClient dynamo(AwsAccess access) {
        return DynamoDbClient.builder().endpointOverride(access.endpoint()).region(Region.of(LocalSettings.REGION))
                .credentialsProvider(access.credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** DynamoDB Local serves the Streams API on its own endpoint. */
    static DynamoDbStreamsClient dynamoStreams(AwsAccess access) {
        return DynamoDbStreamsClient.builder().endpointOverride(access.endpoint()).region(Region.of(LocalSettings.REGION))
                .credentialsProvider(access.credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** The run's set-up client, straight to the stand-in. */
    static SqsClient sqs(URI endpoint) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.of(LocalSettings.REGION))
                .credentialsProvider(AwsAccess.direct(endpoint).credentials())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    static SecretsManagerClient secretsManager(AwsAccess access) {
        return SecretsManagerClient.builder().endpointOverride(access.endpoint()).region(Region.of(LocalSettings.REGION))
                .credentialsProvider(access.credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    static S3Client s3(AwsAccess access) {
        return S3Client.builder().endpointOverride(access.endpoint()).region(Region.of(LocalSettings.REGION))
                .forcePathStyle(true)
                .credentialsProvider(access.credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }
}
