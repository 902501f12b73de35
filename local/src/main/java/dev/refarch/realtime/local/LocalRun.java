package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.cli.LocalRunFile;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.CdkJson;
import dev.refarch.realtime.infra.config.OperationsConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;

import java.util.Map;
import java.util.Optional;

/**
 * The whole system on 127.0.0.1: {@code java -jar local/target/local.jar [options]} from the
 * project root (after {@code npm ci} and {@code mvn -q -pl local -am package -DskipTests}).
 * Runs until Ctrl-C. Options: {@code --<name>-port=N} for graphql, dynamodb, sqs, s3, s3-extra,
 * secretsmanager, tmdb, web, lambda, iam; {@code --ports=auto}; {@code --logs=DIR}; {@code --ready-file=FILE}
 * (the JSON file of the endpoints written once everything is ready, {@link LocalRunFile#DEFAULT_LOCATION}
 * by default, deleted at the end); {@code --tick-interval-ms=N}
 * (benchmarks: the producer's tick interval, 1000 as deployed); {@code --consumer-timeout-seconds=N}
 * (tests: the consumer's function timeout, 300 as deployed); {@code --batching-window-seconds=N}
 * (benchmarks: the consumer mapping's batching window, 0 as deployed); {@code --canary-interval-seconds=N}
 * (tests: the system canary's interval, {@code canaryMinutes} as deployed); {@code --stream-shards=N} (the Reviews
 * stream as N shards, each with a broadcaster environment of its own). Defaults (symbols, topic,
 * partitions, rotation cadence, the canary) come from {@code cdk.json} context, as for the deploy.
 */
public final class LocalRun {

    private LocalRun() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        long begin = System.nanoTime();
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (LocalRunException e) {
            out.println("local run failed: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.containsKey("help")) {
            out.println(USAGE);
            return;
        }
        Path root;
        try {
            root = CdkJson.projectRoot(Path.of("").toAbsolutePath());
        } catch (IllegalStateException e) {
            out.println("local run failed: " + e.getMessage() + " (run it from the project's folder)");
            System.exit(2);
            return;
        }
        Path logDir = options.containsKey("logs") ? Path.of(options.get("logs"))
                : root.resolve("local/target/logs/run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        LogFolder logs = new LogFolder(logDir);
        // Before any logger exists: in-process servers (Kafka, DynamoDB Local, ElasticMQ) log here.
        System.setProperty("org.slf4j.simpleLogger.logFile", logs.file("runner").toString());
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        System.setProperty("aws.disableEc2Metadata", "true");

        Supervisor supervisor = new Supervisor(out);
        try {
            Map<String, Object> context = CdkJson.context(root.resolve("cdk.json"));
            // --vote-shards overrides cdk.json's voteShards for this run (the shards of each reaction's count).
            AppConfig config = AppConfig.from(key -> key.equals("voteShards") && options.containsKey("vote-shards")
                    ? options.get("vote-shards") : context.get(key));
            LocalSettings settings = new LocalSettings(root, config, Ports.resolve(options), logs,
                    options.getOrDefault("api-key", "da2-local-api-key"),
                    intOption(options, "tick-interval-ms", STACK_TICK_INTERVAL_MS),
                    intOption(options, "consumer-timeout-seconds", LocalSettings.STACK_CONSUMER_TIMEOUT_SECONDS),
                    intOption(options, "batching-window-seconds", LocalSettings.STACK_BATCHING_WINDOW_SECONDS));
            out.println("Realtime Refarch on 127.0.0.1 (config from " + root.resolve("cdk.json") + ")");
            out.println("logs   " + logs.dir());
            String iam = options.getOrDefault("iam", "enforce");
            if (!List.of("enforce", "off").contains(iam)) {
                throw new LocalRunException("--iam=" + iam + " must be enforce or off");
            }
            boolean enforceIam = iam.equals("enforce");
            if (!enforceIam) {
                out.println("IAM    NOT ENFORCED (--iam=off): calls are routed unchecked; AWS would refuse what the"
                        + " templates' policies do not allow");
            }
            List<String> dropped = options.containsKey("iam-drop")
                    ? List.of(options.get("iam-drop").split(",")) : List.of();
            dropped.forEach(grant -> out.println("IAM    without " + grant + " (--iam-drop)"));
            OperationsConfig ops = OperationsConfig.from(context::get);
            Duration canaryInterval = null;
            if (ops.canary()) {
                canaryInterval = Duration.ofSeconds(intOption(options, "canary-interval-seconds",
                        ops.canaryMinutes() * 60));
                if (canaryInterval.toSeconds() < 5 || canaryInterval.toSeconds() > 3600) {
                    throw new LocalRunException("--canary-interval-seconds=" + canaryInterval.toSeconds()
                            + " must be between 5 and 3600");
                }
            } else if (options.containsKey("canary-interval-seconds")) {
                throw new LocalRunException("--canary-interval-seconds: the canary is off in cdk.json (canary=off)");
            }
            int ceiling = writeCeiling(options.getOrDefault("item-write-ceiling", "off"));
            if (ceiling > 0) {
                out.println("DynamoDB  at most " + ceiling + " writes per item per second (--item-write-ceiling);"
                        + " writes above it are throttled as DynamoDB throttles them");
            }
            int streamShards = intOption(options, "stream-shards", 1);
            if (streamShards < 1 || streamShards > MAX_STREAM_SHARDS) {
                throw new LocalRunException("--stream-shards=" + streamShards + " must be between 1 and " + MAX_STREAM_SHARDS);
            }
            if (streamShards > 1) {
                out.println("Streams   the Reviews stream split into " + streamShards + " shards by partition key"
                        + " (--stream-shards), delivered at once to " + streamShards + " review-broadcaster environments");
            }
            LocalSystem system = new LocalSystem(settings, enforceIam, dropped, canaryInterval, ceiling, streamShards);
            if (options.containsKey("realtime-fault")) {
                system.simulator().realtimeFault(options.get("realtime-fault"));
                out.println("FAULT  the real-time endpoint starts with fault " + options.get("realtime-fault")
                        + " (--realtime-fault); POST {\"mode\": ...} to " + system.simulator().realtimeFaultUrl());
            }
            Path readyFile = options.containsKey("ready-file") ? Path.of(options.get("ready-file"))
                    : root.resolve(LocalRunFile.DEFAULT_LOCATION);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                supervisor.stopAll();
                try {
                    // Its endpoints are gone: a CLI task given it would only fail to connect.
                    Files.deleteIfExists(readyFile);
                } catch (IOException e) {
                    out.println("cannot delete the ready file " + readyFile + ": " + e.getMessage());
                }
            }, "local-run-shutdown"));
            supervisor.startStages(system.stages());
            long readyMs = Duration.ofNanos(System.nanoTime() - begin).toMillis();
            out.println();
            out.println("Web page   " + system.web().url());
            out.println("GraphQL    " + system.simulator().graphqlUrl());
            out.println("Real-time  " + system.simulator().realtimeUrl());
            out.println("API key    " + settings.apiKey());
            out.println("AWS (IAM)  " + system.gateway().endpoint() + (enforceIam
                    ? " checks every call against the deployed roles' policies" : " NOT enforcing IAM"));
            out.println("ready in " + readyMs + " ms; Ctrl-C stops everything");
            writeReadyFile(readyFile, system, settings, readyMs);
            out.println("ready file " + readyFile + " (the CLI tasks' --local)");
        } catch (LocalRunException | dev.refarch.realtime.infra.config.InvalidConfigException e) {
            out.println("local run failed: " + e.getMessage());
            supervisor.stopAll();
            System.exit(1);
            return;
        }
        Optional<String> failure = supervisor.watch();
        if (failure.isPresent()) {
            System.exit(1);
        }
    }

    private static void writeReadyFile(Path file, LocalSystem system, LocalSettings settings, long readyMs) {
        ObjectNode ready = new ObjectMapper().createObjectNode();
        ready.put("pid", ProcessHandle.current().pid());
        ready.put("readyMillis", readyMs);
        ready.put(LocalRunFile.WEB_URL, system.web().url());
        ready.put(LocalRunFile.PRODUCER_FUNCTION_ARN, system.producerAliasArn());
        ready.put(LocalRunFile.PUBLIC_GRAPHQL_URL, system.simulator().graphqlUrl());
        ready.put(LocalRunFile.REALTIME_URL, system.simulator().realtimeUrl());
        ready.put(LocalRunFile.API_KEY, settings.apiKey());
        if (system.simulator().realtimeFaultUrl() != null) {
            ready.put("realtimeFaultUrl", system.simulator().realtimeFaultUrl());
        }
        ready.put(LocalRunFile.AWS_ENDPOINT, system.gateway().endpoint().toString());
        ready.put(LocalRunFile.IAM_GRAPHQL_URL, system.gateway().endpoint() + "/graphql");
        ready.put(LocalRunFile.OPERATOR_ACCESS_KEY_ID, system.operator().accessKeyId());
        ready.put(LocalRunFile.OPERATOR_SECRET_ACCESS_KEY, system.operator().secretAccessKey());
        ready.put("iamEnforced", system.gateway().enforcing());
        ready.put("dynamodbEndpoint", system.dynamo().endpoint().toString());
        ready.put("sqsEndpoint", system.sqs().endpoint().toString());
        ready.put("failureQueueUrl", system.sqs().failureQueueUrl());
        ready.put("s3Endpoint", system.s3().endpoint().toString());
        ready.put("failureBucket", system.s3().bucket());
        ready.put("secretsManagerEndpoint", system.secrets().endpoint().toString());
        ready.put("tmdbBaseUrl", system.tmdb().baseUrl());
        ready.put("bootstrapServers", system.kafka().bootstrapServers());
        ready.put("kafkaUser", KafkaComponent.USER);
        ready.put("kafkaPassword", system.kafka().password());
        ready.put("topic", settings.config().topic());
        ready.putPOJO("symbols", settings.config().symbols());
        ready.put("logs", settings.logs().dir().toString());
        system.dynamo().tables().forEach((logical, name) -> ready.put("table." + logical, name));
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, ready.toPrettyString());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LocalRunException("cannot write the ready file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Each stream shard is a broadcaster JVM (about 170 MiB) of its own. */
    static final int MAX_STREAM_SHARDS = 10;

    static final String USAGE = String.join(System.lineSeparator(),
            "java -jar local/target/local.jar [options]   (from the project folder; Ctrl-C stops it)",
            "  --<name>-port=N     graphql (20002), dynamodb (8000), sqs (9324), s3 (9090), s3-extra (9191),",
            "                      secretsmanager (4584), tmdb (8089), web (8088), lambda (4574), iam (4580);",
            "                      also -Dlocal.<name>.port=N",
            "  --ports=auto        free ports for everything",
            "  --logs=DIR          the log folder (default local/target/logs/run-<time>)",
            "  --ready-file=FILE   where to write the endpoints as JSON once everything is ready (default",
            "                      " + LocalRunFile.DEFAULT_LOCATION + "; deleted when the run stops)",
            "  --api-key=KEY       the simulator's API key (default da2-local-api-key)",
            "  --tick-interval-ms=N  the producer's tick interval (default 1000, as deployed)",
            "  --consumer-timeout-seconds=N  the consumer's function timeout (default 300, as deployed;",
            "                      tests shorten the mapping's retry budget of 11 invocations with it)",
            "  --batching-window-seconds=N  the consumer mapping's batching window (default "
                    + LocalSettings.STACK_BATCHING_WINDOW_SECONDS + ", as deployed;",
            "                      the latency benchmark compares another with it)",
            "  --iam=enforce|off   enforce (default): every call to a local AWS endpoint is checked against",
            "                      the deployed roles' policies, as AWS does; off: routed unchecked (debugging",
            "                      only; the run says so at start)",
            "  --item-write-ceiling=off|aws|N  DynamoDB's per-item write ceiling, emulated: writes to one item above",
            "                      N per second (aws: 1000, as DynamoDB documents) are throttled with",
            "                      ProvisionedThroughputExceededException, as DynamoDB does (default off)",
            "  --vote-shards=N     shards per reaction's vote count (default: cdk.json voteShards)",
            "  --stream-shards=N   the Reviews stream as N shards (records split by partition key hash, each",
            "                      item's in order), delivered at once, each to a review-broadcaster environment",
            "                      (JVM) of its own, as Lambda runs one batch per shard at a time (default 1,",
            "                      as DynamoDB Local serves it; at most " + MAX_STREAM_SHARDS + ")",
            "  --iam-drop=ID[:ACTION],...  tests: run without these statements of the exported policies",
            "                      (ids as in local/iam-policies.json), or without one action of each",
            "  --realtime-fault=MODE  tests of clients: the real-time endpoint misbehaves as AppSync can (none,",
            "                      limit-exceeded, unauthorized, drop-start-ack, delay-start-ack, start-error;",
            "                      graphql/simulator/faults.js), switched with POST {\"mode\": ...} to the ready",
            "                      file's realtimeFaultUrl",
            "  --canary-interval-seconds=N  the system canary's interval (default canaryMinutes, 5 min, as",
            "                      deployed; its first run is one interval after the start), 5 to 3600",
            "Symbols, topic, partitions, the rotation cadence and the canary (canary, canaryMinutes) come",
            "from cdk.json context.");

    /** The producer's TICK_INTERVAL_MS in the Streaming stack. */
    static final int STACK_TICK_INTERVAL_MS = Functions.PRODUCER_TICK_INTERVAL_MS;

    /** {@code off} (0), {@code aws} (DynamoDB's 1,000) or a number of writes per item per second. */
    static int writeCeiling(String value) {
        if (value.equals("off")) {
            return 0;
        }
        if (value.equals("aws")) {
            return ItemWriteCeiling.DYNAMODB_WRITES_PER_ITEM_PER_SECOND;
        }
        try {
            int rate = Integer.parseInt(value);
            if (rate > 0) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LocalRunException("--item-write-ceiling=" + value + " must be off, aws (1000) or a positive number"
                + " of writes per item per second");
    }

    private static int intOption(Map<String, String> options, String name, int fallback) {
        String raw = options.get(name);
        try {
            return raw == null ? fallback : Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new LocalRunException("--" + name + "=" + raw + " is not a whole number");
        }
    }

    /** {@code --key=value} and {@code --flag} into a map. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new LocalRunException("unknown argument " + arg + " (options are --name=value)");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            boolean known = List.of("help", "ports", "logs", "ready-file", "api-key", "tick-interval-ms",
                    "consumer-timeout-seconds", "batching-window-seconds", "iam", "iam-drop", "item-write-ceiling",
                    "vote-shards", "stream-shards", "canary-interval-seconds", "realtime-fault").contains(name)
                    || (name.endsWith("-port") && Ports.DEFAULTS.containsKey(name.substring(0, name.length() - 5)));
            if (!known) {
                throw new LocalRunException("unknown option --" + name + " (see --help)");
            }
            options.put(name, eq < 0 ? "true" : arg.substring(eq + 1));
        }
        return options;
    }

}
