package dev.refarch.realtime.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What the CLI tasks ({@code reviews}, {@code ticks}, {@code system}) share: the exit codes every
 * one of them gives for the same outcome, {@code --help}, where their subcommands get AWS clients,
 * and the usage error when no subcommand is named. A task adds its own codes from
 * {@value #AWS_ERROR} + 1 (7 means a missing table or bucket, as its task says).
 */
public abstract class CliTask implements Runnable {

    public static final int OK = 0;
    public static final int USAGE = 2;
    public static final int UNKNOWN_STACK = 3;
    public static final int MISSING_OUTPUT = 4;
    public static final int NO_CREDENTIALS = 5;
    public static final int NO_REGION = 6;
    public static final int AWS_ERROR = 8;

    private final AwsClients aws;
    private final String subcommand;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /**
     * @param aws        where the AWS clients of the subcommands get credentials, region and endpoints
     * @param subcommand the subcommand the usage error names when none is given
     */
    CliTask(AwsClients aws, String subcommand) {
        this.aws = aws;
        this.subcommand = subcommand;
    }

    AwsClients aws() {
        return aws;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: " + subcommand);
    }
}
