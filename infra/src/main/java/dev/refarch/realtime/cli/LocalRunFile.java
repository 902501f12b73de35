package dev.refarch.realtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The local run's ready file ({@code java -jar local/target/local.jar --ready-file=FILE}), as the
 * CLI tasks read it with {@code --local FILE}: where the run's AWS endpoints are (one IAM gateway
 * for all of them, which verifies signatures and checks every call against the deployed policies)
 * and the operator identity's keys, which hold exactly the stack's operator policy; and, for
 * {@code system verify}, what the page uses (the public GraphQL and real-time endpoints, the API key),
 * the page's URL and the tick producer it invokes.
 * The local module writes the file with these field names.
 *
 * @param awsEndpoint  the IAM gateway: S3, DynamoDB, SQS and Secrets Manager calls, signed
 * @param graphqlUrl   the GraphQL endpoint for IAM-signed requests (the gateway's {@code /graphql})
 * @param credentials  the operator identity's keys
 * @param failureBucket the consumer mapping's on-failure bucket
 * @param reviewsTable the Reviews table
 * @param publicGraphqlUrl the GraphQL endpoint the page calls with the API key (the simulator's)
 * @param realtimeUrl  the real-time endpoint the page subscribes on
 * @param apiKey       the run's public API key
 * @param webUrl       the run's web server: the page, its config.json and its CSP
 * @param producerFunctionArn the tick producer's ARN (its {@code live} alias, as the streaming stack's
 *                     output names it), invoked through the gateway's Lambda Invoke API
 */
public record LocalRunFile(URI awsEndpoint, URI graphqlUrl, AwsCredentialsProvider credentials,
                           String failureBucket, String reviewsTable, URI publicGraphqlUrl, URI realtimeUrl,
                           String apiKey, URI webUrl, String producerFunctionArn) {

    public static final String AWS_ENDPOINT = "awsEndpoint";
    public static final String IAM_GRAPHQL_URL = "iamGraphqlUrl";
    public static final String OPERATOR_ACCESS_KEY_ID = "operatorAccessKeyId";
    public static final String OPERATOR_SECRET_ACCESS_KEY = "operatorSecretAccessKey";
    public static final String FAILURE_BUCKET = "failureBucket";
    public static final String REVIEWS_TABLE = "table.reviews";
    public static final String PUBLIC_GRAPHQL_URL = "graphqlUrl";
    public static final String REALTIME_URL = "realtimeUrl";
    public static final String API_KEY = "apiKey";
    public static final String WEB_URL = "webUrl";
    public static final String PRODUCER_FUNCTION_ARN = "producerFunctionArn";
    /**
     * Where the local run writes its ready file unless told otherwise ({@code --ready-file}), from the
     * project folder, and so where {@code --local} without a file looks: the README's first command needs
     * no option for the CLI tasks to find it. The run deletes it when it stops.
     */
    public static final String DEFAULT_LOCATION = "local/target/local-run.json";

    /**
     * Reads the file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static LocalRunFile read(Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no local run's ready file at " + file + ": start the local run (java -jar"
                    + " local/target/local.jar, from the project folder) or pass the file it was told to write"
                    + " (--ready-file)");
        }
        JsonNode ready;
        try {
            ready = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the local run's ready file " + file + ": " + e.getMessage(), e);
        }
        return new LocalRunFile(URI.create(field(file, ready, AWS_ENDPOINT)), URI.create(field(file, ready, IAM_GRAPHQL_URL)),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(field(file, ready, OPERATOR_ACCESS_KEY_ID),
                        field(file, ready, OPERATOR_SECRET_ACCESS_KEY))),
                field(file, ready, FAILURE_BUCKET), field(file, ready, REVIEWS_TABLE),
                URI.create(field(file, ready, PUBLIC_GRAPHQL_URL)), URI.create(field(file, ready, REALTIME_URL)),
                field(file, ready, API_KEY), URI.create(field(file, ready, WEB_URL)),
                field(file, ready, PRODUCER_FUNCTION_ARN));
    }

    private static String field(Path file, JsonNode ready, String name) {
        JsonNode value = ready == null ? null : ready.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(file + " is not a ready file of this version's local run: it has no "
                    + name + " (start the run again with --ready-file)");
        }
        return value.asText();
    }
}
