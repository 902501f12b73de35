package dev.refarch.realtime.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (2018-06-01) on 127.0.0.1 for one function's execution environment:
 * {@code GET /runtime/invocation/next} hands out queued invocations one at a time with Lambda's
 * headers (request id, deadline, function ARN, trace id); {@code /response} and {@code /error}
 * complete them; {@code /init/error} records a failed init.
 *
 * <p>Public for the {@code test} module: its {@code LambdaProcess} (the system test and the
 * cold-start benchmarks) runs a function jar against this same Runtime API.
 */
public final class RuntimeApi implements AutoCloseable {

    private static final String PREFIX = "/2018-06-01/runtime/";

    /**
     * One invocation's event, when the function took it ({@code started}: an invocation may wait behind
     * another, as this environment runs one at a time) and, once the function answered, its outcome.
     */
    public record Invocation(String requestId, String event, long timeoutMillis, CompletableFuture<Void> started,
                      CompletableFuture<Result> result) {
    }

    /** What the function answered: its response body, or its error body. */
    public record Result(boolean error, String body) {
    }

    private final HttpServer server;
    private final String functionArn;
    private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> running = new ConcurrentHashMap<>();
    private final CompletableFuture<String> initError = new CompletableFuture<>();
    private final CompletableFuture<Void> firstNext = new CompletableFuture<>();
    private volatile boolean closed;

    public RuntimeApi(String functionArn) throws IOException {
        this.functionArn = functionArn;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(InProcessHttpComponent.daemon("runtime-api")));
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** {@code host:port} for {@code AWS_LAMBDA_RUNTIME_API}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Completes when the runtime first asked for work, i.e. init is done. */
    public CompletableFuture<Void> initDone() {
        return firstNext;
    }

    Optional<String> initError() {
        return Optional.ofNullable(initError.getNow(null));
    }

    /** Completes with the error body when the runtime reports a failed init. */
    public CompletableFuture<String> initFailed() {
        return initError.copy();
    }

    /** Queues an invocation; the function takes it on its next {@code /next}. */
    public Invocation enqueue(String event, long timeoutMillis) {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), event, timeoutMillis,
                new CompletableFuture<>(), new CompletableFuture<>());
        queue.add(invocation);
        return invocation;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (path.equals("invocation/next")) {
                firstNext.complete(null);
                Invocation next = take();
                if (next == null) {
                    respond(exchange, 500, "{\"errorMessage\":\"runtime API closed\"}");
                    return;
                }
                running.put(next.requestId(), next);
                next.started().complete(null);
                var headers = exchange.getResponseHeaders();
                headers.add("Lambda-Runtime-Aws-Request-Id", next.requestId());
                headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + next.timeoutMillis()));
                headers.add("Lambda-Runtime-Invoked-Function-Arn", functionArn);
                headers.add("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000)
                        + "-" + next.requestId().replace("-", "").substring(0, 24) + ";Sampled=0");
                // The client's native code reads every header it knows and crashes on a missing one.
                headers.add("Lambda-Runtime-Client-Context", "{}");
                headers.add("Lambda-Runtime-Cognito-Identity", "{}");
                headers.add("Lambda-Runtime-Aws-Tenant-Id", "local");
                headers.add("Content-Type", "application/json");
                respond(exchange, 200, next.event());
            } else if (path.equals("init/error")) {
                initError.complete(body);
                respond(exchange, 202, "{}");
            } else if (path.startsWith("invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
                String id = path.substring("invocation/".length(), path.lastIndexOf('/'));
                Invocation invocation = running.remove(id);
                if (invocation != null) {
                    invocation.result().complete(new Result(path.endsWith("/error"), body));
                }
                respond(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                respond(exchange, 404, "{}");
            }
        }
    }

    private Invocation take() {
        try {
            while (!closed) {
                Invocation next = queue.poll(500, TimeUnit.MILLISECONDS);
                if (next != null && !next.result().isDone()) {
                    return next;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
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
        closed = true;
        queue.forEach(i -> i.result().completeExceptionally(new LocalRunException("the function stopped")));
        running.values().forEach(i -> i.result().completeExceptionally(new LocalRunException("the function stopped")));
        server.stop(0);
    }
}
