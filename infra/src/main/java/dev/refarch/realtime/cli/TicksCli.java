package dev.refarch.realtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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
public final class TicksCli extends CliTask {

    public static final int BUCKET_MISSING = 7;
    public static final int NOT_DELIVERED = 9;
    public static final int UNREADABLE_OBJECT = 10;

    /** @param aws where the AWS clients of the subcommands get credentials, region and endpoints */
    public TicksCli(AwsClients aws) {
        super(aws, "replay");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new TicksCli(AwsClients.defaults())).execute(args));
    }
}
