package dev.refarch.realtime.local;

import dev.refarch.realtime.local.iam.LocalIdentity;
import dev.refarch.realtime.infra.constructs.RealtimeApi;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The AppSync simulator ({@code node graphql/simulator/server.js}) on 127.0.0.1: the same schema,
 * {@code resolvers.json} and VTL templates the CDK app deploys, API key and IAM auth, the
 * real-time WebSocket endpoint on the same port, and the fidelity bridges of
 * {@code graphql/simulator/patches.js}. Its DynamoDB data sources sign as their own roles' identities
 * and call DynamoDB through the IAM gateway; IAM-only fields take only requests the gateway verified
 * (its token), as AppSync takes only requests it can authenticate.
 */
final class SimulatorComponent implements Component {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final LocalSettings settings;
    private final int port;
    private final DynamoDbComponent dynamo;
    private final URI dataSourceEndpoint;
    private final Map<String, LocalIdentity> dataSourceIdentities;
    private final String gatewayToken;
    private String realtimeFault;
    private ChildProcess process;

    /** The modes of {@code graphql/simulator/faults.js}. */
    static final List<String> REALTIME_FAULTS = List.of("none", "limit-exceeded", "unauthorized", "drop-start-ack",
            "delay-start-ack", "start-error");

    /**
     * @param dataSourceEndpoint   where the DynamoDB data sources send their calls (the IAM gateway)
     * @param dataSourceIdentities each DynamoDB data source's identity, by its name in {@code resolvers.json}
     * @param gatewayToken         the token the IAM gateway adds to the requests it verified; null when IAM
     *                             is not enforced (the simulator then takes IAM requests from anyone)
     */
    SimulatorComponent(LocalSettings settings, DynamoDbComponent dynamo, URI dataSourceEndpoint,
                       Map<String, LocalIdentity> dataSourceIdentities, String gatewayToken) {
        this.settings = settings;
        this.port = settings.ports().get("graphql");
        this.dynamo = dynamo;
        this.dataSourceEndpoint = dataSourceEndpoint;
        this.dataSourceIdentities = Map.copyOf(dataSourceIdentities);
        this.gatewayToken = gatewayToken;
    }

    /** The simulator itself, where the IAM gateway forwards AppSync requests. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
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

    /**
     * Tests of clients: the real-time endpoint starts with this fault ({@link #REALTIME_FAULTS}) and takes
     * {@code POST} {@link #realtimeFaultUrl()} to switch it. Before {@link #start}.
     */
    void realtimeFault(String mode) {
        if (!REALTIME_FAULTS.contains(mode)) {
            throw new LocalRunException("--realtime-fault=" + mode + " must be one of " + String.join(", ", REALTIME_FAULTS));
        }
        realtimeFault = mode;
    }

    /** Where the fault is switched ({@code POST {"mode": ...}}), or null when the run has no fault control. */
    String realtimeFaultUrl() {
        return realtimeFault == null ? null : "http://127.0.0.1:" + port + "/__local/realtime-fault";
    }

    @Override
    public void start() throws Exception {
        if (!Files.isDirectory(settings.root().resolve("node_modules/@aws-amplify/amplify-appsync-simulator"))) {
            throw new LocalRunException("the AppSync simulator is not installed: run `npm ci` in " + settings.root());
        }
        List<String> command = new ArrayList<>(List.of(System.getProperty("node.executable", "node"),
                "graphql/simulator/server.js",
                "--dynamodb-endpoint", dataSourceEndpoint.toString(),
                "--port", Integer.toString(port),
                "--api-key", settings.apiKey(),
                // The simulator exits if this JVM dies without stopping it.
                "--exit-on-stdin-close"));
        dynamo.tables().forEach((logical, name) -> command.addAll(List.of("--table", logical + "=" + name)));
        // Secrets in the environment, not on the command line a process list shows.
        Map<String, String> environment = new HashMap<>(Map.of("AWS_EC2_METADATA_DISABLED", "true",
                "NODE_NO_WARNINGS", "1"));
        if (gatewayToken != null) {
            environment.put("APPSYNC_SIM_IAM_GATEWAY_TOKEN", gatewayToken);
        }
        if (realtimeFault != null) {
            environment.put("APPSYNC_SIM_REALTIME_FAULT", realtimeFault);
        }
        // The API's variables as the API stack sets them from the same configuration.
        RealtimeApi.variables(settings.config()).forEach((name, value) -> environment.put(
                "APPSYNC_SIM_ENV_" + name, value));
        dataSourceIdentities.forEach((source, identity) -> environment.put(
                "APPSYNC_SIM_CREDENTIALS_" + source.toUpperCase(Locale.ROOT),
                identity.accessKeyId() + ":" + identity.secretAccessKey()));
        process = ChildProcess.start(name(), command, settings.root(), environment, log());
        S3Component.awaitHttp(URI.create(graphqlUrl()), READY_TIMEOUT, process);
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
