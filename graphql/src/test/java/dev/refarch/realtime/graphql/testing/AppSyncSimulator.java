package dev.refarch.realtime.graphql.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The AppSync simulator ({@code graphql/simulator/server.js}) as a child process on
 * 127.0.0.1, loaded with this repository's schema, {@code resolvers.json} and VTL templates,
 * its DynamoDB data sources pointed at the given endpoint and tables. Needs Node and
 * {@code npm ci} run once at the repository root.
 */
public final class AppSyncSimulator implements AutoCloseable {

    /** The API key the simulator accepts unless another is given. */
    public static final String DEFAULT_API_KEY = "da2-local-api-key";
    /** The simulator's environment variable for the API variable {@code VOTE_SHARDS} (voteShards). */
    public static final String VOTE_SHARDS_ENV = "APPSYNC_SIM_ENV_VOTE_SHARDS";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int STDERR_LINES_KEPT = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final URI graphqlUrl;
    private final URI realtimeUrl;
    private final String apiKey;

    private AppSyncSimulator(Process process, URI graphqlUrl, URI realtimeUrl, String apiKey) {
        this.process = process;
        this.graphqlUrl = graphqlUrl;
        this.realtimeUrl = realtimeUrl;
        this.apiKey = apiKey;
    }

    /**
     * Starts the simulator and waits until it serves.
     *
     * @param dynamoDbEndpoint DynamoDB (Local) endpoint for the DynamoDB data sources
     * @param tables the real table name of each logical table of {@code resolvers.json}
     *               ({@code reviews}, {@code movies})
     */
    public static AppSyncSimulator start(URI dynamoDbEndpoint, Map<String, String> tables) {
        return start(dynamoDbEndpoint, tables, DEFAULT_API_KEY);
    }

    /** As {@link #start(URI, Map)}, with a given API key. */
    public static AppSyncSimulator start(URI dynamoDbEndpoint, Map<String, String> tables, String apiKey) {
        return start(dynamoDbEndpoint, tables, apiKey, Map.of());
    }

    /**
     * As {@link #start(URI, Map, String)}, with more environment for the simulator (its
     * {@code APPSYNC_SIM_CREDENTIALS_<DATA SOURCE>} and {@code APPSYNC_SIM_IAM_GATEWAY_TOKEN}).
     */
    public static AppSyncSimulator start(URI dynamoDbEndpoint, Map<String, String> tables, String apiKey,
                                         Map<String, String> environment) {
        Path root = repositoryRoot();
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("node.executable", "node"), "graphql/simulator/server.js",
                "--dynamodb-endpoint", dynamoDbEndpoint.toString(),
                "--port", "0",
                "--api-key", apiKey,
                // The child exits if this JVM dies without closing it.
                "--exit-on-stdin-close"));
        tables.forEach((logical, name) -> command.addAll(List.of("--table", logical + "=" + name)));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
        // Nothing reaches real AWS: no instance metadata lookups by the JavaScript SDK.
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        builder.environment().put("NODE_NO_WARNINGS", "1");
        // cdk.json's default voteShards unless the caller gives APPSYNC_SIM_ENV_VOTE_SHARDS.
        builder.environment().put(VOTE_SHARDS_ENV, "1");
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0)
                    + " (is Node 20 on the PATH? set -Dnode.executable otherwise)", e);
        }
        Deque<String> stderr = new ArrayDeque<>();
        pump(process.getErrorStream(), "appsync-simulator-stderr", line -> {
            synchronized (stderr) {
                if (stderr.size() == STDERR_LINES_KEPT) {
                    stderr.removeFirst();
                }
                stderr.addLast(line);
            }
            System.err.println("[appsync-simulator] " + line);
        });
        CompletableFuture<JsonNode> ready = new CompletableFuture<>();
        pump(process.getInputStream(), "appsync-simulator-stdout", line -> {
            if (ready.isDone()) {
                System.err.println("[appsync-simulator stdout] " + line);
                return;
            }
            try {
                ready.complete(JSON.readTree(line));
            } catch (IOException e) {
                ready.completeExceptionally(new IllegalStateException("not a ready line: " + line, e));
            }
        });
        process.onExit().thenRun(() -> ready.completeExceptionally(
                new IllegalStateException("exited with code " + process.exitValue())));
        try {
            JsonNode line = ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!line.path("ready").asBoolean()) {
                throw new IllegalStateException("unexpected first line " + line);
            }
            return new AppSyncSimulator(process,
                    URI.create(line.get("graphqlUrl").asText()),
                    URI.create(line.get("realtimeUrl").asText()),
                    apiKey);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
            throw new IllegalStateException("interrupted while the AppSync simulator started", e);
        } catch (ExecutionException | TimeoutException e) {
            stop(process);
            String cause = e instanceof TimeoutException ? "not ready within " + READY_TIMEOUT : e.getCause().getMessage();
            String tail;
            synchronized (stderr) {
                tail = String.join("\n", stderr);
            }
            throw new IllegalStateException("AppSync simulator did not start (" + cause + "): "
                    + String.join(" ", command) + "\nstderr:\n" + tail, e);
        }
    }

    /**
     * The repository root: the nearest directory, from the working directory up, that holds
     * both {@code graphql/schema.graphql} and the installed simulator.
     */
    public static Path repositoryRoot() {
        Path start = Path.of("").toAbsolutePath();
        Path schemaFound = null;
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("graphql/schema.graphql"))) {
                if (Files.isDirectory(dir.resolve("node_modules/@aws-amplify/amplify-appsync-simulator"))) {
                    return dir;
                }
                schemaFound = dir;
            }
        }
        if (schemaFound != null) {
            throw new IllegalStateException("the AppSync simulator is not installed under " + schemaFound
                    + "/node_modules: run `npm ci --no-audit --no-fund` in " + schemaFound);
        }
        throw new IllegalStateException("no repository root (a directory with graphql/schema.graphql) at or above "
                + start + "; run the tests from inside the repository");
    }

    /** POST endpoint for queries and mutations, {@code http://127.0.0.1:<port>/graphql}. */
    public URI graphqlUrl() {
        return graphqlUrl;
    }

    /** The real-time WebSocket endpoint, {@code ws://127.0.0.1:<port>/graphql/realtime}. */
    public URI realtimeUrl() {
        return realtimeUrl;
    }

    public String apiKey() {
        return apiKey;
    }

    /** A client that authenticates with the API key, as a browser does. */
    public GraphqlClient apiKeyClient() {
        return GraphqlClient.withApiKey(graphqlUrl, apiKey);
    }

    /** A client that authenticates as IAM, as the backend Lambdas do. */
    public GraphqlClient iamClient() {
        return GraphqlClient.withIam(graphqlUrl);
    }

    /** Whether the simulator process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the simulator (SIGTERM, then a kill after a grace period) and waits for it. */
    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static void pump(InputStream stream, String name, java.util.function.Consumer<String> onLine) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    onLine.accept(line);
                }
            } catch (IOException e) {
                // The process ended; nothing more to read.
            } catch (UncheckedIOException e) {
                // Same.
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }
}
