package dev.refarch.realtime.local;

import dev.refarch.realtime.local.iam.LocalIdentity;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Where, and as whom, a part of the local run calls an AWS API. The run's own set-up (creating
 * tables, queues and buckets, as CloudFormation would) goes {@link #direct} to a stand-in; everything
 * the deployed system does at run time (a function's code, an event source mapping acting with its
 * function's execution role, an AppSync data source, the CLI) goes {@link #as} its own identity
 * through the IAM gateway, which checks the call against that role's policies.
 *
 * @param endpoint    the endpoint to call
 * @param credentials what to sign with
 */
record AwsAccess(URI endpoint, AwsCredentialsProvider credentials) {

    /** Lambda hands its functions session credentials; the local identities get a fixed token. */
    static final String SESSION_TOKEN = "local-session-token";

    private static final StaticCredentialsProvider SETUP = StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LocalSettings.ACCESS_KEY_ID, LocalSettings.SECRET_ACCESS_KEY));

    /** The run's set-up credentials, straight to the stand-in (no IAM: this is CloudFormation's part). */
    static AwsAccess direct(URI endpoint) {
        return new AwsAccess(endpoint, SETUP);
    }

    /** As {@code identity}, through the IAM gateway at {@code gateway}. */
    static AwsAccess as(LocalIdentity identity, URI gateway) {
        return new AwsAccess(gateway, StaticCredentialsProvider.create(AwsSessionCredentials.create(
                identity.accessKeyId(), identity.secretAccessKey(), SESSION_TOKEN)));
    }

    /** A function's credentials as Lambda sets them in its environment. */
    static Map<String, String> environment(LocalIdentity identity) {
        return Map.of("AWS_ACCESS_KEY_ID", identity.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", identity.secretAccessKey(),
                "AWS_SESSION_TOKEN", SESSION_TOKEN);
    }
}
