package dev.refarch.realtime.lambda;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Run by {@link FunctionJarsTest} in a JVM whose class path is one function's jar and this class
 * alone, with the environment Lambda gives a SnapStart function: no access key variables, only the
 * container credentials endpoint and its token. Resolves credentials the way every function does
 * ({@code DefaultCredentialsProvider.builder().build()}), which no local run exercises: there the
 * keys come from environment variables. The jars are shrunk per method (lambdas/proguard.pro), so
 * a method only this path calls would be missing, and this exits non-zero with its stack trace.
 */
public final class SnapStartCredentialsCheck {

    private SnapStartCredentialsCheck() {
    }

    public static void main(String[] args) {
        AwsCredentials credentials = DefaultCredentialsProvider.builder().build().resolveCredentials();
        String token = credentials instanceof AwsSessionCredentials session ? session.sessionToken() : "none";
        System.out.println("accessKeyId=" + credentials.accessKeyId() + " sessionToken=" + token);
    }
}
