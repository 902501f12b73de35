package dev.refarch.realtime.local;

import dev.refarch.realtime.infra.Functions;
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

        // Each function as the stacks deploy it (Functions), plus where the local stand-ins listen.
        FunctionComponent provisioner = new FunctionComponent(settings, "topic-provisioner",
                Functions.TOPIC_PROVISIONER, new LazyEnv(() -> deployedPlus(
                        Functions.topicProvisionerEnvironment(kafka.bootstrapServers(), scramArn),
                        Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                                "AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsEndpoint))));
        FunctionComponent rotator = new FunctionComponent(settings, "movie-rotator", Functions.MOVIE_ROTATOR,
                new LazyEnv(() -> deployedPlus(
                        Functions.rotatorEnvironment(dynamo.table("reviews"), dynamo.table("movies"),
                                simulator.graphqlUrl(), tmdbArn, web.url() + "posters", config.mutationsPerRequest()),
                        Map.of("TMDB_BASE_URL", tmdb.baseUrl(),
                                "TMDB_IMAGE_BASE_URL", tmdb.imageBaseUrl(),
                                "AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString(),
                                "AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsEndpoint))));
        FunctionComponent producer = new FunctionComponent(settings, "tick-producer", Functions.TICK_PRODUCER,
                new LazyEnv(() -> deployedPlus(
                        Functions.producerEnvironment(kafka.bootstrapServers(), scramArn, config,
                                settings.tickIntervalMs()),
                        Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                                "AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsEndpoint))));
        FunctionComponent consumer = new FunctionComponent(settings, "tick-consumer",
                Functions.TICK_CONSUMER.module(), Functions.TICK_CONSUMER.handler(), settings.consumerTimeoutSeconds(),
                new LazyEnv(() -> deployedPlus(
                        Functions.consumerEnvironment(simulator.graphqlUrl(), sqs.failureQueueUrl(), config),
                        Map.of("AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString()))));
        FunctionComponent broadcaster = new FunctionComponent(settings, "review-broadcaster",
                Functions.REVIEW_BROADCASTER, new LazyEnv(() ->
                        Functions.broadcasterEnvironment(simulator.graphqlUrl(), config.reviewBroadcastMillis(),
                                config.mutationsPerRequest())));

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

    /** A deployed function's environment with the local overrides (endpoints, the broker's protocol). */
    private static Map<String, String> deployedPlus(Map<String, String> deployed, Map<String, String> local) {
        Map<String, String> environment = new java.util.TreeMap<>(deployed);
        environment.putAll(local);
        return environment;
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
