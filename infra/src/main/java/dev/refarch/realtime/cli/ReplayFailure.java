package dev.refarch.realtime.cli;

/** A {@code ticks replay} failure the user can act on: its message is one line, its exit code says which. */
final class ReplayFailure extends RuntimeException {

    private final int exitCode;

    ReplayFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
