package dev.refarch.realtime.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * The local run exactly as a developer starts it ({@code java -jar local/target/local.jar}), as a
 * child process with free ports: started once for one test class (or once for the classes that
 * share {@link SharedLocalRun}), read through the ready file it writes, stopped with SIGINT (Ctrl-C)
 * at the end.
 */
final class LocalRunner implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private final Process process;
    private final Path readyFile;
    private final JsonNode ready;
    private final Path output;
    private boolean refusalsExpected;

    private LocalRunner(Process process, Path readyFile, JsonNode ready, Path output) {
        this.process = process;
        this.readyFile = readyFile;
        this.ready = ready;
        this.output = output;
    }

    static LocalRunner start(String name) throws IOException, InterruptedException {
        return start(name, List.of());
    }

    /** With extra options for the run (e.g. {@code --consumer-timeout-seconds=5}). */
    static LocalRunner start(String name, List<String> options) throws IOException, InterruptedException {
        Path jar = ROOT.resolve("local/target/local.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run `mvn verify` from the root (it packages local first)");
        }
        Path dir = Files.createDirectories(ROOT.resolve("test/target/e2e/" + name));
        Path readyFile = dir.resolve("ready.json");
        Files.deleteIfExists(readyFile);
        Path output = dir.resolve("runner.out");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--ports=auto", "--ready-file=" + readyFile, "--logs=" + dir.resolve("logs")));
        command.addAll(options);
        Process process = new ProcessBuilder(command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!Files.isRegularFile(readyFile)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the local run exited (" + process.exitValue() + "):\n"
                        + Files.readString(output));
            }
            if (System.nanoTime() > deadline) {
                stop(process);
                throw new IllegalStateException("the local run was not ready within " + READY_TIMEOUT + ":\n"
                        + Files.readString(output));
            }
            Thread.sleep(200);
        }
        return new LocalRunner(process, readyFile, JSON.readTree(readyFile.toFile()), output);
    }

    JsonNode ready() {
        return ready;
    }

    /** The ready file, for the CLI tasks' {@code --local}. */
    Path readyFile() {
        return readyFile;
    }

    String text(String field) {
        return ready.path(field).asText();
    }

    Process process() {
        return process;
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    GraphqlClient apiKeyClient() {
        return GraphqlClient.withApiKey(URI.create(text("graphqlUrl")), text("apiKey"));
    }

    RealtimeSubscriber subscriber() {
        return RealtimeSubscriber.connect(URI.create(text("realtimeUrl")), apiKeyClient().authHeaders());
    }

    /** Kafka client properties with the run's SCRAM credentials. */
    Properties kafka() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, text("bootstrapServers"));
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        p.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + text("kafkaUser") + "\" password=\"" + text("kafkaPassword") + "\";");
        return p;
    }

    /** Sends SIGINT, as Ctrl-C does, and waits for the run to end. */
    int interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the local run did not stop within 60 s of SIGINT");
        }
        return process.exitValue();
    }

    /** This run's test takes grants away on purpose: {@link #close} does not fail on refused calls. */
    void expectRefusals() {
        refusalsExpected = true;
    }

    /** Every call the IAM gateway refused so far, one line each (empty when none). */
    String refusals() throws IOException {
        Path log = readyFile.resolveSibling("logs").resolve("iam-refusals.log");
        return Files.isRegularFile(log) ? Files.readString(log) : "";
    }

    /**
     * Stops the run; then fails if the IAM gateway refused any call: with the templates' policies
     * whole, a refusal is a permission the deployed system lacks (AWS would refuse it too).
     */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            interrupt();
        }
        if (!refusalsExpected) {
            assertNoRefusals();
        }
    }

    /**
     * Fails if the IAM gateway refused any call so far: with the templates' policies whole, a refusal
     * is a permission the deployed system lacks (AWS would refuse it too).
     */
    void assertNoRefusals() throws IOException {
        String refused = refusals();
        if (!refused.isEmpty()) {
            throw new AssertionError("the local run's IAM gateway refused calls the deployed roles would make:\n"
                    + refused);
        }
    }

    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
