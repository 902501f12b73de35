package dev.refarch.realtime.checks;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The tick producer the streaming-path check invokes, and as whom.
 *
 * @param lambdaEndpoint Lambda's endpoint: {@code https://lambda.<region>.amazonaws.com}, or the local
 *                       run's IAM gateway, which serves the Invoke API of the run's functions
 * @param functionArn    the producer's ARN as the streaming stack's output gives it: the {@code live}
 *                       alias the schedule invokes ({@code arn:aws:lambda:<region>:<account>:function:<name>:live})
 * @param region         the region requests are signed for
 * @param credentials    the caller's credentials (the operator policy grants {@code lambda:InvokeFunction}
 *                       on exactly this alias)
 */
public record ProducerTarget(URI lambdaEndpoint, String functionArn, Region region,
        AwsCredentialsProvider credentials) {

    private static final Pattern FUNCTION_ARN =
            Pattern.compile("arn:[a-z-]+:lambda:[a-z0-9-]+:\\d{12}:function:([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9$_-]+))?");

    public ProducerTarget {
        Objects.requireNonNull(lambdaEndpoint, "lambdaEndpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentials, "credentials");
        if (functionArn == null || !FUNCTION_ARN.matcher(functionArn).matches()) {
            throw new IllegalArgumentException("not a Lambda function ARN: " + functionArn);
        }
    }

    /** The function's name, without its qualifier. */
    public String functionName() {
        return parts().group(1);
    }

    /** The alias or version the ARN names, or null for the unqualified function. */
    public String qualifier() {
        return parts().group(2);
    }

    private Matcher parts() {
        Matcher m = FUNCTION_ARN.matcher(functionArn);
        if (!m.matches()) {
            throw new IllegalStateException(functionArn);
        }
        return m;
    }
}
