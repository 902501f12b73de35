package dev.refarch.realtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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
public final class ReviewsCli implements Runnable {

    public static final int OK = 0;
    public static final int USAGE = 2;
    public static final int UNKNOWN_STACK = 3;
    public static final int MISSING_OUTPUT = 4;
    public static final int NO_CREDENTIALS = 5;
    public static final int NO_REGION = 6;
    public static final int TABLE_MISSING = 7;
    public static final int AWS_ERROR = 8;

    private final AwsClients aws;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** @param aws where the AWS clients of the subcommands get credentials, region and endpoints */
    public ReviewsCli(AwsClients aws) {
        this.aws = aws;
    }

    AwsClients aws() {
        return aws;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: seed");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReviewsCli(AwsClients.defaults())).execute(args));
    }
}
