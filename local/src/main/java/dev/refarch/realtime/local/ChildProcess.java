package dev.refarch.realtime.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A child process whose output (stdout and stderr) goes to its log file, stopped with its
 * descendants: SIGTERM first, then a kill after a grace period, so nothing outlives the run.
 */
final class ChildProcess {

    private static final long GRACE_SECONDS = 5;

    private final String name;
    private final Process process;
    private volatile boolean stopping;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /** Starts {@code command} in {@code directory}, appending its output to {@code log}. */
    static ChildProcess start(String name, List<String> command, Path directory, Map<String, String> environment,
                              Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                // stdin stays a pipe held by this JVM: children that watch it exit with us.
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(environment);
        return new ChildProcess(name, builder.start());
    }

    /** The java of this JVM, so children run on the same JDK. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * This JVM's classpath entries (the runner's own jars). Under {@code java -jar local.jar} the
     * jars come from the manifest, which {@code java.class.path} does not list: they are in the
     * {@code lib/} folder beside the jar.
     */
    static List<String> classpath() {
        List<String> entries = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        if (entries.size() == 1 && entries.get(0).endsWith(".jar")) {
            Path lib = Path.of(entries.get(0)).toAbsolutePath().resolveSibling("lib");
            File[] jars = lib.toFile().listFiles((dir, file) -> file.endsWith(".jar"));
            if (jars != null) {
                List<String> all = new java.util.ArrayList<>();
                all.add(Path.of(entries.get(0)).toAbsolutePath().toString());
                java.util.Arrays.stream(jars).map(File::getPath).sorted().forEach(all::add);
                return all;
            }
        }
        return entries;
    }

    long pid() {
        return process.pid();
    }

    /** Empty while running; once it exited unasked, why. */
    Optional<String> failure() {
        if (process.isAlive() || stopping) {
            return Optional.empty();
        }
        return Optional.of(name + " exited with code " + process.exitValue());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void stop() {
        stopping = true;
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            for (ProcessHandle child : descendants) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                }
            }
        }
    }
}
