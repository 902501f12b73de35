package dev.refarch.realtime.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The loopback ports of the run. Each has a default; {@code --<name>-port=N} or
 * {@code -Dlocal.<name>.port=N} sets one, and {@code --ports=auto} (or {@code -Dlocal.ports=auto})
 * gives every port the system picks, for tests and parallel runs. A port that is taken fails the
 * run before anything starts, naming the port and the option that sets it.
 */
public final class Ports {

    /** Names and defaults; the GraphQL port is the simulator's (HTTP and WebSocket). */
    static final Map<String, Integer> DEFAULTS;

    static {
        Map<String, Integer> defaults = new LinkedHashMap<>();
        defaults.put("graphql", 20002);
        defaults.put("dynamodb", 8000);
        defaults.put("sqs", 9324);
        defaults.put("s3", 9090);
        defaults.put("s3-extra", 9191);
        defaults.put("secretsmanager", 4584);
        defaults.put("tmdb", 8089);
        defaults.put("web", 8088);
        // Lambda's Invoke API for the run's functions (behind the IAM gateway).
        defaults.put("lambda", 4574);
        // The IAM gateway in front of every local AWS endpoint.
        defaults.put("iam", 4580);
        DEFAULTS = Collections.unmodifiableMap(defaults);
    }

    /** The port reservations this process holds ({@link #freePort}), kept open, and so locked, until it ends. */
    private static final List<FileChannel> RESERVATIONS = Collections.synchronizedList(new ArrayList<>());

    private final Map<String, Integer> ports;

    private Ports(Map<String, Integer> ports) {
        this.ports = Map.copyOf(ports);
    }

    /** Reads the ports from the arguments and system properties, and checks each is free. */
    public static Ports resolve(Map<String, String> options) {
        boolean auto = "auto".equals(options.getOrDefault("ports", System.getProperty("local.ports", "")));
        Map<String, Integer> chosen = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> entry : DEFAULTS.entrySet()) {
            String name = entry.getKey();
            String raw = options.getOrDefault(name + "-port", System.getProperty("local." + name + ".port"));
            int port;
            if (raw != null) {
                try {
                    port = Integer.parseInt(raw.trim());
                } catch (NumberFormatException e) {
                    throw new LocalRunException("--" + name + "-port=" + raw + " is not a port number");
                }
                if (port < 0 || port > 65535) {
                    throw new LocalRunException("--" + name + "-port=" + raw + " is not a port number (0-65535)");
                }
            } else {
                port = auto ? 0 : entry.getValue();
            }
            chosen.put(name, port == 0 ? freePort(chosen.values()) : requireFree(name, port));
        }
        return new Ports(chosen);
    }

    public int get(String name) {
        Integer port = ports.get(name);
        if (port == null) {
            throw new IllegalArgumentException("no port named " + name);
        }
        return port;
    }

    private static int requireFree(String name, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException e) {
            throw new LocalRunException("port " + port + " (" + name + ") on 127.0.0.1 is already in use: stop what "
                    + "holds it, or choose another with --" + name + "-port=N (or --ports=auto for free ports)");
        }
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999), not one of {@code taken}: a port
     * picked in that range can be taken by an outgoing connection's local end before the
     * component that should bind it starts.
     *
     * <p>Reserved for this process: another local run starting at the same time (parallel test
     * classes) probes ports before its components bind them too, and could pick one this run
     * picked but has not bound yet. So each pick holds an exclusive lock on a file named for the
     * port under {@code java.io.tmpdir}/refarch-local-ports until this process ends (the OS
     * releases it, even after a kill), and a port locked by another run is skipped.
     */
    static int freePort(Collection<Integer> taken) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20000, 32000);
            if (taken.contains(port) || !reserve(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException e) {
                // taken; try another
            }
        }
        throw new LocalRunException("no free port on 127.0.0.1 between 20000 and 32000");
    }

    /** Locks {@code port}'s reservation file for this process; false when another run holds it. */
    static boolean reserve(int port) {
        try {
            Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "refarch-local-ports"));
            FileChannel channel = FileChannel.open(dir.resolve(Integer.toString(port)),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return false;
            }
            RESERVATIONS.add(channel);
            return true;
        } catch (IOException e) {
            // No reservation possible (read-only temp directory): the bind probe alone decides.
            return true;
        }
    }

    @Override
    public String toString() {
        return ports.toString();
    }
}
