package dev.refarch.realtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code system} CLI task: proves a running system (a deployed stage or the local run) works
 * end to end, with the checks of {@code lambdas/system-checks}.
 *
 * <pre>
 * system verify --stack NAME [--region R] [--json]
 * system verify --local READY_FILE [--json]
 * </pre>
 *
 * <p>Exit codes (also listed by {@code system verify --help}); 3 to 8 mean what they mean for
 * {@code reviews seed}:
 * <ul>
 *   <li>{@value #OK}: every check passed (skipped ones say why);
 *   <li>1: unexpected error (a bug: the stack trace is printed);
 *   <li>{@value #USAGE}: usage error (picocli's, an unreadable ready file, no cdk.json to read the intervals from);
 *   <li>{@value #UNKNOWN_STACK}: the stack does not exist;
 *   <li>{@value #MISSING_OUTPUT}: the stack lacks an output needed;
 *   <li>{@value #NO_CREDENTIALS}: no AWS credentials found;
 *   <li>{@value #NO_REGION}: no AWS region found;
 *   <li>{@value #AWS_ERROR}: any other AWS error reading the stack;
 *   <li>{@value #CHECK_FAILED}: a check failed (its line says what was expected, what came, the likely cause).
 * </ul>
 */
@Command(name = "system",
        description = "Verifies that a deployed stage, or the local run, works end to end.",
        subcommands = VerifyCommand.class)
public final class SystemCli extends CliTask {

    public static final int CHECK_FAILED = 9;

    /** @param aws where the AWS clients of the subcommands get credentials, region and endpoints */
    public SystemCli(AwsClients aws) {
        super(aws, "verify");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SystemCli(AwsClients.defaults())).execute(args));
    }
}
