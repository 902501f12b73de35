package dev.refarch.realtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code reviews} CLI task: seeds and resets the five rows of the Reviews table.
 *
 * <pre>
 * reviews seed --stack NAME [--region R] [--reset [--all]]
 * reviews seed --table NAME [--region R | --endpoint URL] [--reset [--all]]
 * </pre>
 *
 * <p>Exit codes (also listed by {@code reviews seed --help}):
 * <ul>
 *   <li>{@value #OK}: done;
 *   <li>1: unexpected error (a bug: the stack trace is printed);
 *   <li>{@value #USAGE}: usage error (picocli's);
 *   <li>{@value #UNKNOWN_STACK}: the stack does not exist;
 *   <li>{@value #MISSING_OUTPUT}: the stack has no {@value StackOutputs#REVIEWS_TABLE_NAME} output;
 *   <li>{@value #NO_CREDENTIALS}: no AWS credentials found;
 *   <li>{@value #NO_REGION}: no AWS region found;
 *   <li>{@value #TABLE_MISSING}: the table does not exist;
 *   <li>{@value #AWS_ERROR}: any other AWS error (access denied, throttling, network...).
 * </ul>
 * Each failure prints one line on stderr saying which.
 */
@Command(name = "reviews",
        description = "Seeds and resets the Reviews table of the Realtime Refarch API.",
        subcommands = SeedCommand.class)
public final class ReviewsCli extends CliTask {

    public static final int TABLE_MISSING = 7;

    /** @param aws where the AWS clients of the subcommands get credentials, region and endpoints */
    public ReviewsCli(AwsClients aws) {
        super(aws, "seed");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReviewsCli(AwsClients.defaults())).execute(args));
    }
}
