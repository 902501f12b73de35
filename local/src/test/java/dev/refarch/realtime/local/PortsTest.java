package dev.refarch.realtime.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ports=auto}: a port another local run has picked, and not yet bound, is never picked
 * again; its reservation ends with that run's process.
 */
class PortsTest {

    /** A stand-in for another run: locks the port's reservation file as {@link Ports} does, then waits. */
    private static final String HOLDER = """
            import java.nio.channels.FileChannel;
            import java.nio.file.*;
            class Holder {
                public static void main(String[] args) throws Exception {
                    Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "refarch-local-ports"));
                    FileChannel channel = FileChannel.open(dir.resolve(args[0]), StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                    System.out.println(channel.tryLock() != null ? "locked" : "refused");
                    Thread.sleep(60_000);
                }
            }
            """;

    @Test
    void aPortAnotherRunReservedIsSkippedUntilThatRunEnds(@TempDir Path dir) throws Exception {
        int port = 31_999;
        Path source = Files.writeString(dir.resolve("Holder.java"), HOLDER);
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                source.toString(), Integer.toString(port)).redirectErrorStream(true).start();
        try {
            String answer = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertEquals("locked", answer, "the other process holds the reservation");

            assertFalse(Ports.reserve(port), "a port another run reserved is not reserved again");
        } finally {
            other.destroyForcibly();
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(Ports.reserve(port), "the reservation ends with the process that held it, even when killed");
    }

    @Test
    void autoPortsAreDistinctAndReservedByThisProcess() {
        Ports first = Ports.resolve(Map.of("ports", "auto"));
        Ports second = Ports.resolve(Map.of("ports", "auto"));

        for (String name : Ports.DEFAULTS.keySet()) {
            int port = first.get(name);
            assertTrue(port >= 20_000 && port < 32_000, name + " " + port);
            for (String other : Ports.DEFAULTS.keySet()) {
                assertTrue(port != second.get(other), "a second resolution skips the first's reserved " + port);
            }
        }
    }
}
