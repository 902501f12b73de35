package dev.refarch.realtime.cli;

/**
 * A failure the operator can act on: its message is the one line the CLI prints, and its
 * exit code is one of {@link ReviewsCli}'s.
 */
public final class SeedFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public SeedFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
