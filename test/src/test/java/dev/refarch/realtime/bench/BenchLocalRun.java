package dev.refarch.realtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The local run as the benchmarks start it: {@code java -jar local/target/local.jar --ports=auto}
 * as a child process, its ready file read, its output and logs under {@code test/target/<name>},
 * stopped with SIGINT (as Ctrl-C) on close.
 */
final class BenchLocalRun implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final JsonNode ready;

    private BenchLocalRun(Process process, JsonNode ready) {
        this.process = process;
        this.ready = ready;
    }

    /** Starts the run with {@code options} added and returns once it wrote its ready file. */
    static BenchLocalRun start(Path root, String name, String... options) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(root.resolve("test/target").resolve(name));
        Path readyFile = dir.resolve("ready.json");
        Files.deleteIfExists(readyFile);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", root.resolve("local/target/local.jar").toString(), "--ports=auto",
                "--ready-file=" + readyFile, "--logs=" + dir.resolve("logs")));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("runner.out").toFile()).start();
        while (!Files.isRegularFile(readyFile)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the local run exited: " + Files.readString(dir.resolve("runner.out")));
            }
            Thread.sleep(100);
        }
        return new BenchLocalRun(process, JSON.readTree(readyFile.toFile()));
    }

    /** The ready file's {@code field}. */
    String text(String field) {
        return ready.path(field).asText();
    }

    URI uri(String field) {
        return URI.create(text(field));
    }

    /** The runner's own time from start to ready. */
    long readyMillis() {
        return ready.path("readyMillis").asLong();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** VmRSS of the runner and its descendants, from /proc. */
    long rssKiB() {
        return Stream.concat(Stream.of(handle()), handle().descendants()).mapToLong(p -> {
            try {
                return Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status")).stream()
                        .filter(l -> l.startsWith("VmRSS:"))
                        .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).sum();
            } catch (IOException e) {
                return 0;
            }
        }).sum();
    }

    /** CPU time of the runner and its descendants so far, from /proc (utime + stime, clock ticks of 10 ms). */
    long cpuMillis() {
        return Stream.concat(Stream.of(handle()), handle().descendants()).mapToLong(p -> {
            try {
                String[] stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat")).split("\\) ")[1]
                        .split(" ");
                return (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) * 10;
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }).sum();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        process.waitFor(60, TimeUnit.SECONDS);
    }
}
