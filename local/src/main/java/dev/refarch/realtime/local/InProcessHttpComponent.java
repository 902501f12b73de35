package dev.refarch.realtime.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * A stand-in served by a JDK {@link HttpServer} inside the runner's JVM, on 127.0.0.1 at the port
 * named after the component: it fails only by failing to start, and logs to the runner's log.
 */
abstract class InProcessHttpComponent implements Component {

    protected final LocalSettings settings;
    protected final int port;
    private final String name;
    private HttpServer server;

    InProcessHttpComponent(LocalSettings settings, String name) {
        this.settings = settings;
        this.name = name;
        this.port = settings.ports().get(name);
    }

    /** Daemon threads named {@code name}, so no pool of the run keeps its JVM alive. */
    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Binds the port on the loopback address, lets {@code contexts} add the routes, and serves on
     * {@code threads} threads, or on as many as there are requests when {@code threads} is 0.
     */
    protected final void listen(int threads, Consumer<HttpServer> contexts) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(threads == 0 ? Executors.newCachedThreadPool(daemon(name))
                : Executors.newFixedThreadPool(threads, daemon(name)));
        contexts.accept(server);
        server.start();
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Optional<String> failure() {
        return Optional.empty();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Override
    public final Path log() {
        return settings.logs().file("runner");
    }
}
