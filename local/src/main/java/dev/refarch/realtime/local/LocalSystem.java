package dev.refarch.realtime.local;

import dev.refarch.realtime.infra.config.AppConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The components of a local run, wired as the CDK stacks wire the deployed system, in stages of
 * the order they depend on each other. Function environments are the stacks' (see {@code MoviesStack},
 * {@code StreamingStack}) plus the local endpoints.
 */
final class LocalSystem {

    /** The TMDb key the rotator reads from the local Secrets Manager and the stand-in accepts. */
    static final String TMDB_KEY = "local-tmdb-key";

    private final SecretsManagerComponent secrets;
    private final TmdbComponent tmdb;
    private final KafkaComponent kafka;
    private final DynamoDbComponent dynamo;
    private final SqsComponent sqs;
    private final S3Component s3;
    private final SimulatorComponent simulator;
    private final WebComponent web;
    private final List<List<Component>> stages;

    LocalSystem(LocalSettings settings) {
        AppConfig config = settings.config();
        secrets = new SecretsManagerComponent(settings);
        tmdb = new TmdbComponent(settings, TMDB_KEY);
        kafka = new KafkaComponent(settings);
        dynamo = new DynamoDbComponent(settings);
        sqs = new SqsComponent(settings);
        s3 = new S3Component(settings);
        simulator = new SimulatorComponent(settings, dynamo);
        web = new WebComponent(settings, simulator, tmdb);

        // MSK requires SCRAM secrets to be named AmazonMSK_...
        String scramArn = secrets.put("AmazonMSK_" + settings.prefix(),
                Map.of("username", KafkaComponent.USER, "password", kafka.password()));
        String tmdbArn = secrets.put(settings.prefix() + "-tmdb", Map.of("tmdbApiKey", TMDB_KEY));
        String secretsEndpoint = secrets.endpoint().toString();

        FunctionComponent provisioner = new FunctionComponent(settings, "topic-provisioner", "msk-producer",
                "dev.refarch.realtime.producer.TopicProvisionerHandler::handleRequest", 300,
                new LazyEnv(() -> Map.of(
                        "BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                        "SCRAM_SECRET_ARN", scramArn,
                        "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                        "AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsEndpoint)));
        FunctionComponent rotator = new FunctionComponent(settings, "movie-rotator", "movie-rotator",
                "dev.refarch.realtime.rotator.MovieRotatorHandler::handleRequest", 30,
                new LazyEnv(() -> Map.of(
                        "REVIEWS_TABLE", dynamo.table("reviews"),
                        "MOVIES_TABLE", dynamo.table("movies"),
                        "GRAPHQL_URL", simulator.graphqlUrl(),
                        "TMDB_SECRET_ARN", tmdbArn,
                        "TMDB_BASE_URL", tmdb.baseUrl(),
                        "TMDB_IMAGE_BASE_URL", tmdb.imageBaseUrl(),
                        "CATALOG_POSTER_BASE_URL", web.url() + "posters",
                        "AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString(),
                        "AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsEndpoint)));
        FunctionComponent producer = new FunctionComponent(settings, "tick-producer", "msk-producer",
                "dev.refarch.realtime.producer.TickProducerHandler::handleRequest", 60,
                new LazyEnv(() -> Map.of(
                        "BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                        "SCRAM_SECRET_ARN", scramArn,
                        "TOPIC", config.topic(),
                        "SYMBOLS", String.join(",", config.symbols()),
                        "TICK_INTERVAL_MS", Integer.toString(settings.tickIntervalMs()),
                        "RUN_SECONDS", "50",
                        "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                        "AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsEndpoint)));
        FunctionComponent consumer = new FunctionComponent(settings, "tick-consumer", "msk-consumer",
                "dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest", settings.consumerTimeoutSeconds(),
                new LazyEnv(() -> Map.of(
                        "GRAPHQL_URL", simulator.graphqlUrl(),
                        "FAILURE_QUEUE_URL", sqs.failureQueueUrl(),
                        "MAX_TICKS_PER_REQUEST", "25",
                        "TICK_DELIVERY", config.tickDelivery().id(),
                        "TICK_CONFLATE_AFTER_SECONDS", Integer.toString(config.tickConflateAfterSeconds()),
                        "AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString())));

        FunctionComponent broadcaster = new FunctionComponent(settings, "review-broadcaster", "review-broadcaster",
                "dev.refarch.realtime.broadcaster.ReviewBroadcasterHandler::handleRequest", 30,
                new LazyEnv(() -> Map.of(
                        "GRAPHQL_URL", simulator.graphqlUrl(),
                        "REVIEW_BROADCAST_MILLIS", Integer.toString(config.reviewBroadcastMillis()))));

        // Stages: each one's components need only the stages before it, and start in parallel.
        stages = List.of(
                List.of(secrets, tmdb, kafka, dynamo, sqs, s3),
                List.of(simulator, web, new TopicComponent(settings, provisioner)),
                List.of(rotator, consumer, producer, broadcaster),
                List.of(new EventSourceMappingComponent(settings, kafka, consumer, s3),
                        new StreamMappingComponent(settings, dynamo, "reviews", broadcaster)),
                List.of(new ScheduleComponent(settings, "rotation-schedule", rotator,
                                Duration.ofSeconds(config.rotationSeconds())),
                        new ScheduleComponent(settings, "producer-schedule", producer, Duration.ofMinutes(1))));
    }

    /** The components in start order, grouped in stages that may start in parallel. */
    List<List<Component>> stages() {
        return stages;
    }

    SimulatorComponent simulator() {
        return simulator;
    }

    WebComponent web() {
        return web;
    }

    DynamoDbComponent dynamo() {
        return dynamo;
    }

    SqsComponent sqs() {
        return sqs;
    }

    S3Component s3() {
        return s3;
    }

    SecretsManagerComponent secrets() {
        return secrets;
    }

    TmdbComponent tmdb() {
        return tmdb;
    }

    KafkaComponent kafka() {
        return kafka;
    }
}
