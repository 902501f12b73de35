package dev.refarch.realtime.producer;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

/**
 * The producer function, assembled once at init: secrets read, one Kafka producer, one quote
 * source, the per-symbol sequences. Each {@link #run} emits within its schedule slot (the
 * configured run time from the scheduled event's time), bounded by what Lambda has left, so a
 * late or repeated run of a slot adds no tick a subscriber would see twice. When the brokers refuse the SCRAM credentials (the secret's password
 * was rotated after they were read, e.g. into a SnapStart snapshot), the run re-reads the
 * secret once and, if it changed, reconnects with it and goes on.
 */
public final class TickProducer implements AutoCloseable {

    /** Left of Lambda's remaining time for the last round, the flush and the return. */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(TickProducer.class);

    private final TickProducerConfig config;
    private final QuoteSource quotes;
    private final Supplier<ScramCredentials> readCredentials;
    private final Function<ScramCredentials, Producer<String, String>> connect;
    private final Metrics metrics;
    private final TickSequences sequences = new TickSequences();
    private final AutoCloseable secretsClient;
    private final Clock clock = Clock.systemUTC();
    private ScramCredentials credentials;
    private Producer<String, String> kafka;
    private KafkaTickWriter writer;

    TickProducer(TickProducerConfig config, ScramCredentials credentials, Supplier<ScramCredentials> readCredentials,
                 Function<ScramCredentials, Producer<String, String>> connect, QuoteSource quotes, Metrics metrics,
                 AutoCloseable secretsClient) {
        this.config = config;
        this.credentials = credentials;
        this.readCredentials = readCredentials;
        this.connect = connect;
        this.quotes = quotes;
        this.metrics = metrics;
        this.secretsClient = secretsClient;
    }

    /**
     * Reads the secrets and creates the quote source and the Kafka producer for {@code config}.
     * Under SnapStart the producer is created at the first invocation instead: one created before
     * the snapshot would hold connections and an idempotent producer id that every environment
     * restored from that snapshot would share.
     */
    public static TickProducer create(TickProducerConfig config, Metrics metrics) {
        SecretsManagerClient secretsManager = secretsManager(config);
        Secrets secrets = new Secrets(secretsManager);
        ScramCredentials credentials;
        QuoteSource quotes;
        try {
            credentials = secrets.scramCredentials(config.scramSecretArn());
            quotes = switch (config.quoteSource()) {
                case SIMULATED -> new SimulatedQuotes(
                        config.quoteSeed().orElse(new SecureRandom().nextLong()), Clock.systemUTC());
                case HTTP -> new HttpQuotes(config.quoteApiUrl().orElseThrow(),
                        secrets.apiKey(config.quoteApiSecretArn().orElseThrow()),
                        Duration.ofSeconds(2), Duration.ofSeconds(3), Clock.systemUTC());
            };
        } catch (RuntimeException e) {
            secretsManager.close();
            throw e;
        }
        Function<ScramCredentials, Producer<String, String>> connect = scram -> new KafkaProducer<>(
                MskProducerProperties.of(config.bootstrapServers(), config.securityProtocol(), scram),
                new StringSerializer(), new StringSerializer());
        metrics.setNamespace(config.metricsNamespace());
        TickProducer producer = new TickProducer(config, credentials,
                () -> secrets.scramCredentials(config.scramSecretArn()), connect, quotes, metrics, secretsManager);
        if (!config.snapStart()) {
            producer.writer();
        }
        LOG.info("Tick producer ready", entry("topic", config.topic()), entry("symbols", config.symbols()),
                entry("quoteSource", config.quoteSource()), entry("user", credentials.username()),
                entry("kafkaProducerCreated", producer.connected()));
        return producer;
    }

    /** Whether the Kafka producer exists yet (at init, unless under SnapStart). */
    boolean connected() {
        return kafka != null;
    }

    private KafkaTickWriter writer() {
        if (writer == null) {
            kafka = connect.apply(credentials);
            writer = new KafkaTickWriter(kafka, quotes, config.topic(), config.symbols(), config.tickInterval(),
                    sequences, clock);
        }
        return writer;
    }

    /**
     * Emits the rounds of the slot that starts at {@code scheduledTime} (the schedule event's
     * time; now when the invocation carries none) and lasts the configured run time, cut to what
     * Lambda has left ({@code remainingTime}) minus a safety margin. A run of a slot that has
     * ended (a retried or late event) emits nothing.
     */
    public PublishSummary run(Optional<Instant> scheduledTime, Duration remainingTime) {
        Instant now = clock.instant();
        Instant slotStart = scheduledTime.orElse(now);
        Instant slotEnd = slotStart.plus(config.runDuration());
        Instant end = config.runEnd(slotStart, now, remainingTime, SAFETY_MARGIN);
        if (!now.isBefore(slotEnd)) {
            LOG.warn("The schedule slot of this run has ended: nothing to emit", entry("slotStart", slotStart.toString()),
                    entry("slotEnd", slotEnd.toString()));
        }
        try {
            PublishSummary summary;
            try {
                summary = writer().publish(slotStart, end);
            } catch (TickPublishException e) {
                if (!e.isAuthenticationFailure() || !reconnectWithFreshCredentials()) {
                    throw e;
                }
                summary = writer().publish(slotStart, end).plusAcknowledged(e.acknowledged());
            }
            metrics.addMetric("TicksPublished", summary.ticksSent(), MetricUnit.COUNT);
            metrics.addMetric("QuoteFailures", summary.quoteFailures(), MetricUnit.COUNT);
            LOG.info("Published ticks", entry("rounds", summary.rounds()), entry("ticksSent", summary.ticksSent()),
                    entry("ticksPerSymbol", summary.ticksPerSymbol()), entry("quoteFailures", summary.quoteFailures()));
            return summary;
        } catch (TickPublishException e) {
            metrics.addMetric("PublishFailures", 1, MetricUnit.COUNT);
            LOG.error("Publishing ticks failed: {}", e.getMessage());
            throw e;
        } finally {
            metrics.flush();
        }
    }

    /**
     * Writes the one canary tick of {@code request} (a fixed, plausible quote of the canary symbol, stamped
     * now) and answers where it landed. Reconnects once with fresh credentials if the brokers refuse the
     * SCRAM login, as {@link #run} does.
     */
    public CanaryTickResult publishCanary(CanaryTickRequest request) {
        Tick tick = new Tick(request.symbol(), 100.0, 100.0, 101.0, 99.0, 1.0, clock.instant());
        try {
            RecordMetadata written;
            try {
                written = writer().writeOne(tick, request.sequence());
            } catch (TickPublishException e) {
                if (!e.isAuthenticationFailure() || !reconnectWithFreshCredentials()) {
                    throw e;
                }
                written = writer().writeOne(tick, request.sequence());
            }
            metrics.addMetric("CanaryTicksPublished", 1, MetricUnit.COUNT);
            LOG.info("Published a canary tick", entry("symbol", request.symbol()), entry("sequence", request.sequence()),
                    entry("partition", written.partition()), entry("offset", written.offset()));
            return new CanaryTickResult(request.symbol(), request.sequence(), written.topic(), written.partition(),
                    written.offset());
        } catch (TickPublishException e) {
            metrics.addMetric("PublishFailures", 1, MetricUnit.COUNT);
            LOG.error("Publishing the canary tick failed: {}", e.getMessage());
            throw e;
        } finally {
            metrics.flush();
        }
    }

    /**
     * After the brokers refused the credentials: re-reads the SCRAM secret and, if it holds
     * other credentials, replaces the Kafka producer with one using them.
     *
     * @return false when the secret still holds the refused credentials (nothing to retry)
     */
    private boolean reconnectWithFreshCredentials() {
        ScramCredentials fresh = readCredentials.get();
        if (fresh.equals(credentials)) {
            LOG.error("The brokers refused the SCRAM credentials, and secret {} still holds them",
                    config.scramSecretArn());
            return false;
        }
        LOG.warn("The brokers refused the SCRAM credentials; secret {} holds new ones (rotated): reconnecting",
                config.scramSecretArn());
        metrics.addMetric("ScramCredentialRefreshes", 1, MetricUnit.COUNT);
        closeKafka();
        credentials = fresh;
        return true;
    }

    /**
     * Called before a SnapStart snapshot: does, without connecting, the part of creating the Kafka
     * producer after the restore that the snapshot can hold. The producer's configuration (the SASL
     * settings included) is parsed once and dropped, which loads its classes, and the JVM's platform
     * MBean server, which every Kafka client registers with and which takes about 0.1 s to create on
     * Java 25, is created. Creating the producer afterwards then takes about a quarter of the time in
     * a fresh JVM (test/bench/priming.sh, BENCHMARKS.md).
     * No connection, thread or producer id is made, so nothing here is shared by restored environments.
     */
    void prime() {
        primeKafka(MskProducerProperties.of(config.bootstrapServers(), config.securityProtocol(), credentials));
    }

    /** {@link #prime} for the producer settings {@code settings} (also run by a benchmark). */
    public static void primeKafka(Properties settings) {
        ManagementFactory.getPlatformMBeanServer();
        Properties named = new Properties();
        named.putAll(settings);
        // The producer is given its serializers as objects; the configuration alone needs them named.
        named.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        named.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        new ProducerConfig(named);
    }

    /**
     * Called after a SnapStart restore: every environment restored from one snapshot would
     * otherwise replay the same simulated walk. A fixed {@code QUOTE_SEED} is kept.
     */
    void afterRestore(LongSupplier entropy) {
        if (config.quoteSeed().isEmpty() && quotes instanceof SimulatedQuotes simulated) {
            simulated.reseed(entropy.getAsLong());
        }
    }

    private void closeKafka() {
        if (kafka != null) {
            kafka.close(Duration.ofSeconds(1));
            kafka = null;
            writer = null;
        }
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close(Duration.ofSeconds(5));
        }
        try {
            secretsClient.close();
        } catch (Exception e) {
            LOG.warn("Closing the Secrets Manager client failed: {}", e.toString());
        }
    }

    private static SecretsManagerClient secretsManager(TickProducerConfig config) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(5))
                        .build())
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(15)));
        config.secretsManagerEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
