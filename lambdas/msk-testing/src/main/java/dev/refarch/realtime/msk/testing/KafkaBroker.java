package dev.refarch.realtime.msk.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Apache Kafka broker, in this JVM, shaped like an MSK cluster with SASL/SCRAM:
 * KRaft combined mode (broker and controller in one node), clients on a {@code SASL_PLAINTEXT}
 * listener with SCRAM-SHA-512, the controller on its own PLAINTEXT listener. Everything binds
 * 127.0.0.1 on free ports; the log directory is a temp dir deleted on {@link #close()}.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.start("app", "app-secret")) {
 *     broker.createTopic("ticks", 3);
 *     new KafkaProducer<>(broker.clientProperties(), ...);
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {

    /** The SASL mechanism MSK uses for username/password authentication. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private static final String LISTENER = "SASL_PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final String bootstrapServers;
    private final String user;
    private final String password;

    private KafkaBroker(KafkaRaftServer server, Path dataDir, String bootstrapServers, String user, String password) {
        this.server = server;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.user = user;
        this.password = password;
    }

    /**
     * Formats fresh storage with a SCRAM-SHA-512 credential for {@code user}, starts the broker
     * and waits until it answers an authenticated client.
     */
    public static KafkaBroker start(String user, String password) {
        requireScramSafe(user, "user");
        requireScramSafe(password, "password");
        Path dataDir = null;
        KafkaRaftServer server = null;
        try {
            dataDir = Files.createTempDirectory("kafka-broker-");
            int clientPort = freePort();
            int controllerPort = freePort();
            // The broker talks to itself over the SCRAM listener, so it needs its own credential.
            String interBrokerPassword = UUID.randomUUID().toString();
            Properties props = brokerProperties(dataDir, clientPort, controllerPort, interBrokerPassword);
            Path configFile = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "in-process test broker");
            }
            format(configFile,
                    "name=broker,password=" + interBrokerPassword,
                    "name=" + user + ",password=" + password);

            server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
            KafkaBroker broker = new KafkaBroker(server, dataDir, "127.0.0.1:" + clientPort, user, password);
            broker.awaitReady();
            return broker;
        } catch (IOException e) {
            cleanUp(server, dataDir);
            throw new UncheckedIOException("Kafka broker failed to start", e);
        } catch (RuntimeException | Error e) {
            cleanUp(server, dataDir);
            throw e;
        }
    }

    /** {@code host:port} of the SASL_PLAINTEXT listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Where the broker keeps its logs and metadata; deleted on close. */
    Path dataDirectory() {
        return dataDir;
    }

    /** Client properties (bootstrap, SASL_PLAINTEXT, SCRAM-SHA-512) for the user given at start. */
    public Properties clientProperties() {
        return clientProperties(user, password);
    }

    /** Client properties for any credential, e.g. a wrong one to prove authentication is enforced. */
    public Properties clientProperties(String user, String password) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, LISTENER);
        p.put(SaslConfigs.SASL_MECHANISM, SCRAM_MECHANISM);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, scramJaas(user, password));
        return p;
    }

    /** Creates a topic with replication factor 1; an existing topic counts as success. */
    public void createTopic(String name, int partitions) {
        Properties p = clientProperties();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Creating topic " + name + " failed", e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Creating topic " + name + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted creating topic " + name, e);
        }
    }

    /** Stops the broker, waits for it, and deletes its data. */
    @Override
    public void close() {
        cleanUp(server, dataDir);
    }

    private void awaitReady() {
        Properties p = clientProperties();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker did not become ready on " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting for the Kafka broker", e);
        }
    }

    private static Properties brokerProperties(Path dataDir, int clientPort, int controllerPort, String interBrokerPassword) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", LISTENER + "://127.0.0.1:" + clientPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", LISTENER + "://127.0.0.1:" + clientPort);
        p.put("listener.security.protocol.map", LISTENER + ":" + LISTENER + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", LISTENER);
        p.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
        p.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", scramJaas("broker", interBrokerPassword));
        p.put("log.dirs", dataDir.resolve("logs").toString());
        // MSK does not create topics on first use; neither does this broker.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Small footprint: the cleaner's default 128 MiB buffer alone would more than double RSS.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        return p;
    }

    private static void format(Path configFile, String... scramUsers) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "format", "--config", configFile.toString(),
                "--cluster-id", Uuid.randomUuid().toString(), "--ignore-formatted"));
        for (String u : scramUsers) {
            args.add("--add-scram");
            args.add(SCRAM_MECHANISM + "=[" + u + "]");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            code = StorageTool.execute(args.toArray(String[]::new), out);
        }
        if (code != 0) {
            // The tool's output never holds the passwords, only what went wrong.
            throw new IllegalStateException("Formatting Kafka storage failed (" + code + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";";
    }

    private static void requireScramSafe(String value, String what) {
        // Quotes, commas and brackets would break the JAAS and --add-scram syntax.
        if (value == null || value.isEmpty() || !value.matches("[A-Za-z0-9._~@!#$%^&*+=-]+")) {
            throw new IllegalArgumentException("SCRAM " + what + " must be non-empty and free of quotes, commas, brackets and spaces");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void cleanUp(KafkaRaftServer server, Path dataDir) {
        try {
            if (server != null) {
                server.shutdown();
                server.awaitShutdown();
            }
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + dir, e);
        }
    }
}
