package dev.refarch.realtime.producer;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
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
 * source. Each {@link #run} emits for the configured time, bounded by what Lambda has left.
 */
public final class TickProducer implements AutoCloseable {

    /** Left of Lambda's remaining time for the last round, the flush and the return. */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(TickProducer.class);

    private final TickProducerConfig config;
    private final QuoteSource quotes;
    private final Supplier<Producer<String, String>> connect;
    private final Metrics metrics;
    private Producer<String, String> kafka;
    private TickPublisher publisher;

    TickProducer(TickProducerConfig config, Supplier<Producer<String, String>> connect, QuoteSource quotes, Metrics metrics) {
        this.config = config;
        this.connect = connect;
        this.quotes = quotes;
        this.metrics = metrics;
    }

    /**
     * Reads the secrets and creates the quote source and the Kafka producer for {@code config}.
     * Under SnapStart the producer is created at the first invocation instead: one created before
     * the snapshot would hold connections and an idempotent producer id that every environment
     * restored from that snapshot would share.
     */
    public static TickProducer create(TickProducerConfig config, Metrics metrics) {
        ScramCredentials credentials;
        QuoteSource quotes;
        try (SecretsManagerClient secretsManager = secretsManager(config)) {
            Secrets secrets = new Secrets(secretsManager);
            credentials = secrets.scramCredentials(config.scramSecretArn());
            quotes = switch (config.quoteSource()) {
                case SIMULATED -> new SimulatedQuotes(
                        config.quoteSeed().orElse(ThreadLocalRandom.current().nextLong()), Clock.systemUTC());
                case HTTP -> new HttpQuotes(config.quoteApiUrl().orElseThrow(),
                        secrets.apiKey(config.quoteApiSecretArn().orElseThrow()),
                        Duration.ofSeconds(2), Duration.ofSeconds(3), Clock.systemUTC());
            };
        }
        Supplier<Producer<String, String>> connect = () -> new KafkaProducer<>(
                MskProducerProperties.of(config.bootstrapServers(), config.securityProtocol(), credentials),
                new StringSerializer(), new StringSerializer());
        metrics.setNamespace(config.metricsNamespace());
        TickProducer producer = new TickProducer(config, connect, quotes, metrics);
        if (!config.snapStart()) {
            producer.publisher();
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

    private TickPublisher publisher() {
        if (publisher == null) {
            kafka = connect.get();
            publisher = new TickPublisher(kafka, quotes, config.topic(), config.symbols(), config.tickInterval());
        }
        return publisher;
    }

    /** Emits for the configured run time, cut to {@code remainingTime} minus a safety margin. */
    public PublishSummary run(Duration remainingTime) {
        Duration runFor = config.runFor(remainingTime, SAFETY_MARGIN);
        try {
            PublishSummary summary = publisher().publish(runFor);
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

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close(Duration.ofSeconds(5));
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
