package dev.refarch.realtime.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AppSync simulator ({@code node graphql/simulator/server.js}) on 127.0.0.1: the same schema,
 * {@code resolvers.json} and VTL templates the CDK app deploys, API key and IAM auth, the
 * real-time WebSocket endpoint on the same port, and the fidelity bridges of
 * {@code graphql/simulator/patches.js}.
 */
final class SimulatorComponent implements Component {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final LocalSettings settings;
    private final int port;
    private final DynamoDbComponent dynamo;
    private ChildProcess process;

    SimulatorComponent(LocalSettings settings, DynamoDbComponent dynamo) {
        this.settings = settings;
        this.port = settings.ports().get("graphql");
        this.dynamo = dynamo;
    }

    @Override
    public String name() {
        return "appsync-simulator";
    }

    String graphqlUrl() {
        return "http://127.0.0.1:" + port + "/graphql";
    }

    String realtimeUrl() {
        return "ws://127.0.0.1:" + port + "/graphql/realtime";
    }

    @Override
    public void start() throws Exception {
        if (!Files.isDirectory(settings.root().resolve("node_modules/@aws-amplify/amplify-appsync-simulator"))) {
            throw new LocalRunException("the AppSync simulator is not installed: run `npm ci` in " + settings.root());
        }
        List<String> command = new ArrayList<>(List.of(System.getProperty("node.executable", "node"),
                "graphql/simulator/server.js",
                "--dynamodb-endpoint", dynamo.endpoint().toString(),
                "--port", Integer.toString(port),
                "--api-key", settings.apiKey(),
                // The simulator exits if this JVM dies without stopping it.
                "--exit-on-stdin-close"));
        dynamo.tables().forEach((logical, name) -> command.addAll(List.of("--table", logical + "=" + name)));
        process = ChildProcess.start(name(), command, settings.root(),
                Map.of("AWS_EC2_METADATA_DISABLED", "true", "NODE_NO_WARNINGS", "1"), log());
        S3Component.awaitHttp(java.net.URI.create(graphqlUrl()), READY_TIMEOUT, process);
    }

    @Override
    public String readyDetail() {
        return graphqlUrl() + " and " + realtimeUrl();
    }

    @Override
    public Optional<String> failure() {
        return process == null ? Optional.empty() : process.failure();
    }

    @Override
    public void stop() {
        if (process != null) {
            process.stop();
        }
    }

    @Override
    public Path log() {
        return settings.logs().file(name());
    }
}
