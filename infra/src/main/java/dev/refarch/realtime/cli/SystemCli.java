package dev.refarch.realtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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
public final class SystemCli implements Runnable {

    public static final int OK = 0;
    public static final int USAGE = 2;
    public static final int UNKNOWN_STACK = ReviewsCli.UNKNOWN_STACK;
    public static final int MISSING_OUTPUT = ReviewsCli.MISSING_OUTPUT;
    public static final int NO_CREDENTIALS = ReviewsCli.NO_CREDENTIALS;
    public static final int NO_REGION = ReviewsCli.NO_REGION;
    public static final int AWS_ERROR = ReviewsCli.AWS_ERROR;
    public static final int CHECK_FAILED = 9;

    private final AwsClients aws;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** @param aws where the AWS clients get credentials, region and the CloudFormation endpoint */
    public SystemCli(AwsClients aws) {
        this.aws = aws;
    }

    AwsClients aws() {
        return aws;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: verify");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SystemCli(AwsClients.defaults())).execute(args));
    }
}
