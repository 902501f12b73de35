package dev.refarch.realtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How the local run starts and ends: Ctrl-C leaves no process and no port behind; a component
 * that dies stops the whole run with its last log lines; a taken port is named before anything
 * starts.
 *
 * <p>Owns its runs ({@link SharedLocalRun} says when): it stops them with Ctrl-C and by killing a
 * component.
 */
class LocalRunLifecycleTest {

    @Test
    void sigintLeavesNoChildProcessAndNoBoundPort() throws Exception {
        LocalRunner run = LocalRunner.start("lifecycle-sigint");
        List<ProcessHandle> children = run.process().descendants().toList();
        assertTrue(children.size() >= 5, "the run has its child processes (simulator, S3, functions): " + children);
        List<Integer> ports = ports(run);

        // 130 = 128 + SIGINT: the JVM's exit status after Ctrl-C once its shutdown hook ran.
        assertEquals(130, run.interrupt(), "the run ends as a Ctrl-C'd process does");

        for (ProcessHandle child : children) {
            assertFalse(child.isAlive(), "child process " + child.pid() + " " + child.info().command().orElse("")
                    + " outlived the run");
        }
        for (int port : ports) {
            assertTrue(free(port), "port " + port + " is still bound after the run stopped");
        }
        assertTrue(run.output().contains("stopped kafka"), run.output());
    }

    @Test
    void aComponentThatDiesStopsTheRunWithItsLastLogLines() throws Exception {
        LocalRunner run = LocalRunner.start("lifecycle-death");
        ProcessHandle simulator = run.process().children()
                .filter(p -> p.info().commandLine().orElse("").contains("simulator/server.js"))
                .findFirst().orElseThrow(() -> new AssertionError("no simulator child process"));
        List<ProcessHandle> children = run.process().descendants().toList();

        simulator.destroyForcibly();

        assertTrue(run.process().waitFor(60, TimeUnit.SECONDS), "the run stopped by itself");
        assertEquals(1, run.process().exitValue());
        String output = run.output();
        assertTrue(output.contains("FAILED appsync-simulator"), output);
        assertTrue(output.contains("appsync-simulator.log:"), "its log's last lines are shown: " + output);
        for (ProcessHandle child : children) {
            assertFalse(child.isAlive(), "child process " + child.pid() + " outlived the failed run");
        }
    }

    @Test
    void aTakenPortIsNamedBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            Path out = Files.createDirectories(LocalRunner.ROOT.resolve("test/target/e2e")).resolve("taken-port.out");
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", LocalRunner.ROOT.resolve("local/target/local.jar").toString(),
                    "--ports=auto", "--graphql-port=" + port)
                    .directory(LocalRunner.ROOT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, process.exitValue());
            String output = Files.readString(out);
            assertTrue(output.contains("port " + port + " (graphql)") && output.contains("--graphql-port"), output);
            assertFalse(output.lines().anyMatch(line -> line.startsWith("ready ")), "nothing started: " + output);
        }
    }

    private static List<Integer> ports(LocalRunner run) {
        return List.of(
                URI.create(run.text("graphqlUrl")).getPort(),
                URI.create(run.text("dynamodbEndpoint")).getPort(),
                URI.create(run.text("sqsEndpoint")).getPort(),
                URI.create(run.text("s3Endpoint")).getPort(),
                URI.create(run.text("secretsManagerEndpoint")).getPort(),
                URI.create(run.text("tmdbBaseUrl")).getPort(),
                Integer.parseInt(run.text("bootstrapServers").substring(run.text("bootstrapServers").lastIndexOf(':') + 1)));
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
