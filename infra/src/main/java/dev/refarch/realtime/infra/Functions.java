package dev.refarch.realtime.infra;

import dev.refarch.realtime.infra.config.AppConfig;
import java.util.List;
import java.util.Map;

/**
 * Each function as the stacks deploy it: its module, handler and timeout, the environment built
 * from what it is wired to, and how its triggers invoke it. The stacks and the local run both
 * build the functions from here, so what runs on a laptop is what deploys; only endpoints and
 * credentials differ. Plain Java (no CDK types), so the local run reads it without the CDK.
 */
public final class Functions {

    /**
     * What Lambda runs.
     *
     * @param module         the Maven module under {@code lambdas/}; its shaded jar is {@code target/<module>.jar}
     * @param handler        {@code package.Class::method}
     * @param timeoutSeconds the function timeout
     */
    public record Definition(String module, String handler, int timeoutSeconds) {
    }

    /** Makes the next movie current; invoked by the rotation schedule. */
    public static final Definition MOVIE_ROTATOR = new Definition("movie-rotator",
            "dev.refarch.realtime.rotator.MovieRotatorHandler::handleRequest", 30);

    /** Publishes ticks to the topic; invoked every minute, emits for {@link #PRODUCER_RUN_SECONDS}. */
    public static final Definition TICK_PRODUCER = new Definition("msk-producer",
            "dev.refarch.realtime.producer.TickProducerHandler::handleRequest", 60);

    /** Creates the ticks topic at deploy (a custom resource); connecting to a fresh cluster can be slow. */
    public static final Definition TOPIC_PROVISIONER = new Definition("msk-producer",
            "dev.refarch.realtime.producer.TopicProvisionerHandler::handleRequest", 120);

    /**
     * Delivers ticks to AppSync; triggered by the MSK event source mapping. 300 s, so the mapping's
     * 1 + {@link #CONSUMER_RETRY_ATTEMPTS} invocations ride out an AppSync outage of about 55 minutes.
     */
    public static final Definition TICK_CONSUMER = new Definition("msk-consumer",
            "dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest", 300);

    /** Broadcasts the changed Reviews rows; triggered by the table's stream. */
    public static final Definition REVIEW_BROADCASTER = new Definition("review-broadcaster",
            "dev.refarch.realtime.broadcaster.ReviewBroadcasterHandler::handleRequest", 30);

    /** Extends the public API key's expiry; invoked once a day. */
    public static final Definition API_KEY_RENEWER = new Definition("api-key-renewer",
            "dev.refarch.realtime.renewer.ApiKeyRenewerHandler::handleRequest", 30);

    /**
     * Runs the system checks that need no browser, producer or vote on a schedule; 120 s bounds a run whose
     * every wait times out (the handshake's, the tick batch's, the chat's), while a passing run takes seconds.
     */
    public static final Definition SYSTEM_CANARY = new Definition("system-canary",
            "dev.refarch.realtime.canary.SystemCanaryHandler::handleRequest", 120);

    /** Every function, for what applies to all of them (the jar checks in the system tests). */
    public static final List<Definition> ALL = List.of(MOVIE_ROTATOR, TICK_PRODUCER, TOPIC_PROVISIONER,
            TICK_CONSUMER, REVIEW_BROADCASTER, API_KEY_RENEWER, SYSTEM_CANARY);

    /** How long each minute's producer run emits. */
    public static final int PRODUCER_RUN_SECONDS = 50;
    /** The producer's time between two rounds of ticks. */
    public static final int PRODUCER_TICK_INTERVAL_MS = 1000;
    /** Records per batch the MSK event source mapping hands the consumer. */
    public static final int CONSUMER_BATCH_SIZE = 500;
    /**
     * How long the mapping gathers records for a batch: none, so a tick is handed to the consumer as soon as
     * it is polled. Lambda accepts 0 to 300 s in whole seconds for Amazon MSK at any batch size (only streams
     * and SQS need at least 1 s above a batch size of 10) and defaults to 500 ms when it is not set
     * (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html,
     * MaximumBatchingWindowInSeconds; https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-parameters.html).
     * Once set, a mapping cannot go back to the 500 ms default; only a new mapping can.
     */
    public static final int CONSUMER_BATCHING_WINDOW_SECONDS = 0;
    /** Retries of a failing batch before the mapping writes it to the failure bucket (Lambda caps it at 10). */
    public static final int CONSUMER_RETRY_ATTEMPTS = 10;

    /** The CloudWatch namespace of every function's custom metrics ({@code POWERTOOLS_METRICS_NAMESPACE}). */
    public static final String METRICS_NAMESPACE = "RealtimeRefarch";
    /**
     * The dimension Powertools puts on every metric a function emits: its {@code POWERTOOLS_SERVICE_NAME}
     * (Powertools for AWS Lambda (Java) 2.x, {@code MetricsFactory}: the default dimension {@code Service}).
     */
    public static final String SERVICE_DIMENSION = "Service";

    private Functions() {
    }

    /**
     * A function's {@code POWERTOOLS_SERVICE_NAME}, so the {@link #SERVICE_DIMENSION} of its metrics:
     * {@code <deployment>-<module>}. It names the deployment ({@code <appName>-<stage>}) because
     * {@link #METRICS_NAMESPACE} is one per account and Region: two stages deployed side by side
     * would otherwise write, and alarm on, the same series.
     */
    public static String serviceName(String deployment, String module) {
        if (deployment == null || deployment.isBlank()) {
            throw new IllegalArgumentException("deployment is required");
        }
        return deployment + "-" + module;
    }

    /** What every function's Powertools reads: its service name (see {@link #serviceName}) and metrics namespace. */
    public static Map<String, String> powertoolsEnvironment(String deployment, String module) {
        return Map.of(
                "POWERTOOLS_SERVICE_NAME", serviceName(deployment, module),
                "POWERTOOLS_METRICS_NAMESPACE", METRICS_NAMESPACE);
    }

    /**
     * The rotator's environment; {@code mutationsPerRequest} and {@code voteShards} are {@code AppConfig}'s:
     * the rotator moves as many shards per reaction as the vote resolver spreads votes over.
     */
    public static Map<String, String> rotatorEnvironment(String reviewsTable, String moviesTable, String graphqlUrl,
            String tmdbSecretArn, String catalogPosterBaseUrl, int mutationsPerRequest, int voteShards) {
        return Map.of(
                "VOTE_SHARDS", Integer.toString(voteShards),
                "REVIEWS_TABLE", reviewsTable,
                "MOVIES_TABLE", moviesTable,
                "GRAPHQL_URL", graphqlUrl,
                "TMDB_SECRET_ARN", tmdbSecretArn,
                "CATALOG_POSTER_BASE_URL", catalogPosterBaseUrl,
                "MUTATIONS_PER_REQUEST", Integer.toString(mutationsPerRequest));
    }

    /** The producer's environment; {@code tickIntervalMs} is {@link #PRODUCER_TICK_INTERVAL_MS} when deployed. */
    public static Map<String, String> producerEnvironment(String bootstrapServers, String scramSecretArn,
            AppConfig config, int tickIntervalMs) {
        return Map.of(
                "BOOTSTRAP_SERVERS", bootstrapServers,
                "SCRAM_SECRET_ARN", scramSecretArn,
                "TOPIC", config.topic(),
                "SYMBOLS", String.join(",", config.symbols()),
                "TICK_INTERVAL_MS", Integer.toString(tickIntervalMs),
                "RUN_SECONDS", Integer.toString(PRODUCER_RUN_SECONDS));
    }

    /** The topic provisioner's environment. */
    public static Map<String, String> topicProvisionerEnvironment(String bootstrapServers, String scramSecretArn) {
        return Map.of(
                "BOOTSTRAP_SERVERS", bootstrapServers,
                "SCRAM_SECRET_ARN", scramSecretArn);
    }

    /** The consumer's environment, with catch-up conflation as configured. */
    public static Map<String, String> consumerEnvironment(String graphqlUrl, String failureQueueUrl, AppConfig config) {
        return Map.of(
                "GRAPHQL_URL", graphqlUrl,
                "FAILURE_QUEUE_URL", failureQueueUrl,
                // Aliased publishTick fields per AppSync request (mutationsPerRequest).
                "MAX_TICKS_PER_REQUEST", Integer.toString(config.mutationsPerRequest()),
                // all: lossless; latest: the newest tick per symbol of a batch that is behind.
                "TICK_DELIVERY", config.tickDelivery().id(),
                "TICK_CONFLATE_AFTER_SECONDS", Integer.toString(config.tickConflateAfterSeconds()));
    }

    /**
     * The canary's environment: the endpoints and public API key the page uses (the key is not a secret: it
     * ships in the page's config.json), and the batch form the backend publishers send.
     */
    public static Map<String, String> canaryEnvironment(String graphqlUrl, String realtimeUrl, String apiKey,
            int mutationsPerRequest) {
        return Map.of(
                "GRAPHQL_URL", graphqlUrl,
                "REALTIME_URL", realtimeUrl,
                "API_KEY", apiKey,
                "MUTATIONS_PER_REQUEST", Integer.toString(mutationsPerRequest));
    }

    /**
     * The review broadcaster's environment; {@code mutationsPerRequest} and {@code voteShards} are
     * {@code AppConfig}'s: every broadcast reads all reactions' shards and sums them; the Movies table holds
     * the broadcast slot that makes it one broadcast per interval for the whole table.
     */
    public static Map<String, String> broadcasterEnvironment(String graphqlUrl, int broadcastMillis,
            int mutationsPerRequest, String reviewsTable, int voteShards, String moviesTable) {
        return Map.of(
                "GRAPHQL_URL", graphqlUrl,
                "REVIEWS_TABLE", reviewsTable,
                "MOVIES_TABLE", moviesTable,
                "VOTE_SHARDS", Integer.toString(voteShards),
                "REVIEW_BROADCAST_MILLIS", Integer.toString(broadcastMillis),
                "MUTATIONS_PER_REQUEST", Integer.toString(mutationsPerRequest));
    }
}
