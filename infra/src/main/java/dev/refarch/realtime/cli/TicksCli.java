package dev.refarch.realtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code ticks} CLI task: re-publishes the ticks the consumer's event source mapping could
 * not deliver and kept whole in the S3 on-failure bucket.
 *
 * <pre>
 * ticks replay --stack NAME [--api-stack NAME] [--region R] [--dry-run]
 * ticks replay --bucket NAME --graphql-url URL [--endpoint-url URL] [--region R] [--dry-run]
 * </pre>
 *
 * <p>Exit codes (also listed by {@code ticks replay --help}); 3 to 8 mean what they mean for
 * {@code reviews seed}:
 * <ul>
 *   <li>{@value #OK}: done (also when there was nothing to replay);
 *   <li>1: unexpected error (a bug: the stack trace is printed);
 *   <li>{@value #USAGE}: usage error (picocli's);
 *   <li>{@value #UNKNOWN_STACK}: a stack does not exist;
 *   <li>{@value #MISSING_OUTPUT}: a stack lacks the output needed;
 *   <li>{@value #NO_CREDENTIALS}: no AWS credentials found;
 *   <li>{@value #NO_REGION}: no AWS region found;
 *   <li>{@value #BUCKET_MISSING}: the bucket does not exist;
 *   <li>{@value #AWS_ERROR}: any other AWS error (access denied, network...);
 *   <li>{@value #NOT_DELIVERED}: AppSync did not take a tick: the run stopped there, its object stays;
 *   <li>{@value #UNREADABLE_OBJECT}: everything readable was replayed, but some object is not an
 *       invocation record with a payload (left in place).
 * </ul>
 */
@Command(name = "ticks",
        description = "Replays the ticks kept in the streaming stack's S3 on-failure bucket.",
        subcommands = ReplayCommand.class)
public final class TicksCli implements Runnable {

    public static final int OK = 0;
    public static final int USAGE = 2;
    public static final int UNKNOWN_STACK = ReviewsCli.UNKNOWN_STACK;
    public static final int MISSING_OUTPUT = ReviewsCli.MISSING_OUTPUT;
    public static final int NO_CREDENTIALS = ReviewsCli.NO_CREDENTIALS;
    public static final int NO_REGION = ReviewsCli.NO_REGION;
    public static final int BUCKET_MISSING = 7;
    public static final int AWS_ERROR = ReviewsCli.AWS_ERROR;
    public static final int NOT_DELIVERED = 9;
    public static final int UNREADABLE_OBJECT = 10;

    private final AwsClients aws;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** @param aws where the AWS clients get credentials, region and the CloudFormation endpoint */
    public TicksCli(AwsClients aws) {
        this.aws = aws;
    }

    AwsClients aws() {
        return aws;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: replay");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new TicksCli(AwsClients.defaults())).execute(args));
    }
}
