package dev.refarch.realtime.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The part of the Lambda Runtime API a function needs for one invocation, on 127.0.0.1: the
 * first {@code GET /next} returns the event, later ones wait until this server closes. It
 * records when the runtime first asked for work (init done) and when the response came back.
 */
final class LocalRuntimeApi implements AutoCloseable {

    private static final String PREFIX = "/2018-06-01/runtime/";

    private final HttpServer server;
    private final String event;
    private final AtomicBoolean served = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    final CompletableFuture<Long> firstNextAt = new CompletableFuture<>();
    final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    /** What the function answered and when ({@code System.nanoTime()}). */
    record Outcome(boolean error, String body, long at) {
    }

    LocalRuntimeApi(String event) throws IOException {
        this.event = event;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "runtime-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (path.equals("invocation/next")) {
            firstNextAt.complete(now);
            if (served.compareAndSet(false, true)) {
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", "bench-request-1");
                exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms",
                        Long.toString(System.currentTimeMillis() + 30_000));
                exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:us-east-1:000000000000:function:bench");
                exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
                // The client's native code reads every header it knows and crashes on a missing one.
                exchange.getResponseHeaders().add("Lambda-Runtime-Client-Context", "{}");
                exchange.getResponseHeaders().add("Lambda-Runtime-Cognito-Identity", "{}");
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Tenant-Id", "bench");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                respond(exchange, 200, event);
            } else {
                awaitClose();
                respond(exchange, 500, "{}");
            }
        } else if (path.endsWith("/response")) {
            outcome.complete(new Outcome(false, body, now));
            respond(exchange, 202, "{}");
        } else if (path.endsWith("/error")) {
            outcome.complete(new Outcome(true, body, now));
            respond(exchange, 202, "{}");
        } else {
            respond(exchange, 404, "{}");
        }
    }

    private void awaitClose() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
