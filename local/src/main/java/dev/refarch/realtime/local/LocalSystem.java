package dev.refarch.realtime.local;

import dev.refarch.realtime.graphql.ApiDefinition;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.local.iam.LocalIdentities;
import dev.refarch.realtime.local.iam.LocalIdentity;
import dev.refarch.realtime.local.iam.PolicyModel;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The components of a local run, wired as the CDK stacks wire the deployed system, in stages of
 * the order they depend on each other. Function environments are the stacks' (see {@code MoviesStack},
 * {@code StreamingStack}) plus the local endpoints.
 *
 * <p>IAM as deployed: every principal of the synthesized templates that runs here (each function,
 * each DynamoDB data source, the operator policy the CLI signs with) gets a local identity of its own,
 * and every call they make to a local AWS endpoint goes through the {@link IamGatewayComponent}, which
 * verifies the signature and checks the call against that role's policies, bound here to the local
 * resources ({@link #binding}).
 */
final class LocalSystem {

    /** The TMDb key the rotator reads from the local Secrets Manager and the stand-in accepts. */
    static final String TMDB_KEY = "local-tmdb-key";
    /** The local AppSync API's id, in the field ARNs IAM checks ({@code apis/<id>/types/...}). */
    static final String API_ID = "local";
    /** The tick producer's local function name (its ARN is the binding of the stack's producer). */
    static final String PRODUCER = "tick-producer";
    /** The operator policy's principal in the export: the CLI tasks sign as it. */
    static final String OPERATOR = "managedPolicy:observability/OperatorPolicy/Resource/Resource";

    private final SecretsManagerComponent secrets;
    private final TmdbComponent tmdb;
    private final KafkaComponent kafka;
    private final DynamoDbComponent dynamo;
    private final SqsComponent sqs;
    private final S3Component s3;
    private final SimulatorComponent simulator;
    private final WebComponent web;
    private final IamGatewayComponent gateway;
    private final LambdaComponent lambda;
    private final FunctionComponent producer;
    private final LocalIdentities identities;
    private final List<List<Component>> stages;

    /**
     * @param enforceIam     false routes every call through the gateway unchecked (debugging only)
     * @param dropped        grants taken out of the exported policies ({@link PolicyModel#withoutGrant}): a test
     *                       runs the system without one statement or action to see what fails
     * @param canaryInterval time between two runs of the system canary, first one interval after the start;
     *                       null when it is off ({@code canary=off}), as the observability stack then deploys none
     * @param writesPerItemPerSecond DynamoDB's per-item write ceiling, emulated ({@link ItemWriteCeiling});
     *                       0: off
     * @param streamShards   the Reviews stream's shards, emulated ({@link StreamMappingComponent}): each
     *                       delivered at once with the others, to an execution environment of the review
     *                       broadcaster of its own; 1 as DynamoDB Local serves it
     */
    LocalSystem(LocalSettings settings, boolean enforceIam, List<String> dropped, Duration canaryInterval,
                int writesPerItemPerSecond, int streamShards) {
        AppConfig config = settings.config();
        secrets = new SecretsManagerComponent(settings);
        tmdb = new TmdbComponent(settings, TMDB_KEY);
        kafka = new KafkaComponent(settings);
        dynamo = new DynamoDbComponent(settings);
        sqs = new SqsComponent(settings);
        s3 = new S3Component(settings);

        // MSK requires SCRAM secrets to be named AmazonMSK_...
        String scramArn = secrets.put("AmazonMSK_" + settings.prefix(),
                Map.of("username", KafkaComponent.USER, "password", kafka.password()));
        String tmdbArn = secrets.put(settings.prefix() + "-tmdb", Map.of("tmdbApiKey", TMDB_KEY));

        PolicyModel exported = PolicyModel.fromClasspath();
        for (String grant : dropped) {
            try {
                exported = exported.withoutGrant(grant);
            } catch (IllegalArgumentException e) {
                throw new LocalRunException("--iam-drop=" + grant + ": " + e.getMessage());
            }
        }
        identities = LocalIdentities.forPrincipals(exported, LocalSettings.ACCOUNT, settings.prefix());
        Map<String, String> binding = new HashMap<>(binding(settings, scramArn, tmdbArn));
        binding.putAll(identities.binding());
        URI simulatorUrl = URI.create("http://127.0.0.1:" + settings.ports().get("graphql"));
        lambda = new LambdaComponent(settings, List.of());
        gateway = new IamGatewayComponent(settings, exported.bind(binding), identities, Map.of(
                "dynamodb", dynamo.endpoint(), "sqs", sqs.endpoint(), "s3", s3.endpoint(),
                "secretsmanager", secrets.endpoint(), "appsync", simulatorUrl, "lambda", lambda.endpoint()));
        gateway.enforce(enforceIam);
        Map<String, String> partitionKeys = new HashMap<>();
        dynamo.tables().forEach((logical, name) -> partitionKeys.put(name, DynamoDbComponent.partitionKey(logical)));
        gateway.usePartitionKeys(partitionKeys);
        gateway.useWriteCeiling(new ItemWriteCeiling(writesPerItemPerSecond, partitionKeys,
                "arn:aws:dynamodb:" + LocalSettings.REGION + ":" + LocalSettings.ACCOUNT + ":table/", System::nanoTime));
        String aws = gateway.endpoint().toString();
        String iamGraphqlUrl = aws + "/graphql";

        Map<String, LocalIdentity> dataSources = new LinkedHashMap<>();
        for (ApiDefinition.DataSource source : ApiDefinition.load().dataSources()) {
            if (source.type() == ApiDefinition.DataSourceType.AMAZON_DYNAMODB) {
                dataSources.put(source.name(), identities.forPrincipal("dataSource:" + source.name()));
            }
        }
        simulator = new SimulatorComponent(settings, dynamo, gateway.endpoint(), dataSources,
                enforceIam ? gateway.runToken() : null);
        web = new WebComponent(settings, simulator, tmdb);

        // Each function as the stacks deploy it (Functions), plus where the local stand-ins listen.
        FunctionComponent provisioner = new FunctionComponent(settings, "topic-provisioner",
                Functions.TOPIC_PROVISIONER, new LazyEnv(() -> deployedPlus(
                        Functions.topicProvisionerEnvironment(kafka.bootstrapServers(), scramArn),
                        identityOf(Functions.TOPIC_PROVISIONER),
                        Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                                "AWS_ENDPOINT_URL_SECRETS_MANAGER", aws))));
        FunctionComponent rotator = new FunctionComponent(settings, "movie-rotator", Functions.MOVIE_ROTATOR,
                new LazyEnv(() -> deployedPlus(
                        Functions.rotatorEnvironment(dynamo.table("reviews"), dynamo.table("movies"),
                                iamGraphqlUrl, tmdbArn, web.url() + "posters", config.mutationsPerRequest(),
                                config.voteShards()),
                        identityOf(Functions.MOVIE_ROTATOR),
                        Map.of("TMDB_BASE_URL", tmdb.baseUrl(),
                                "TMDB_IMAGE_BASE_URL", tmdb.imageBaseUrl(),
                                "AWS_ENDPOINT_URL_DYNAMODB", aws,
                                "AWS_ENDPOINT_URL_SECRETS_MANAGER", aws))));
        producer = new FunctionComponent(settings, PRODUCER, Functions.TICK_PRODUCER,
                new LazyEnv(() -> deployedPlus(
                        Functions.producerEnvironment(kafka.bootstrapServers(), scramArn, config,
                                settings.tickIntervalMs()),
                        identityOf(Functions.TICK_PRODUCER),
                        Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                                "AWS_ENDPOINT_URL_SECRETS_MANAGER", aws))));
        FunctionComponent consumer = new FunctionComponent(settings, "tick-consumer",
                Functions.TICK_CONSUMER.module(), Functions.TICK_CONSUMER.handler(), settings.consumerTimeoutSeconds(),
                new LazyEnv(() -> deployedPlus(
                        Functions.consumerEnvironment(iamGraphqlUrl, sqs.failureQueueUrl(), config),
                        identityOf(Functions.TICK_CONSUMER),
                        Map.of("AWS_ENDPOINT_URL_SQS", aws))));
        FunctionComponent broadcaster = new FunctionComponent(settings, "review-broadcaster",
                Functions.REVIEW_BROADCASTER, new LazyEnv(() -> deployedPlus(
                        Functions.broadcasterEnvironment(iamGraphqlUrl, config.reviewBroadcastMillis(),
                                config.mutationsPerRequest(), dynamo.table("reviews"), config.voteShards(),
                                dynamo.table("movies")),
                        identityOf(Functions.REVIEW_BROADCASTER), Map.of("AWS_ENDPOINT_URL_DYNAMODB", aws))));

        // Lambda runs the batches of several stream shards at once, each in an execution environment of its own.
        List<FunctionComponent> broadcasters = new ArrayList<>(List.of(broadcaster));
        for (int n = 2; n <= streamShards; n++) {
            broadcasters.add(broadcaster.environment(n));
        }
        List<Component> functions = new ArrayList<>(List.of(rotator, consumer, producer));
        functions.addAll(broadcasters);
        List<Component> schedules = new ArrayList<>(List.of(
                new ScheduleComponent(settings, "rotation-schedule", rotator, Duration.ofSeconds(config.rotationSeconds())),
                new ScheduleComponent(settings, "producer-schedule", producer, Duration.ofMinutes(1))));
        if (canaryInterval != null) {
            // The page's endpoints and key for what it does with the key; its ticks, signed, through the gateway.
            FunctionComponent canary = new FunctionComponent(settings, "system-canary", Functions.SYSTEM_CANARY,
                    new LazyEnv(() -> deployedPlus(
                            Functions.canaryEnvironment(simulator.graphqlUrl(), simulator.realtimeUrl(),
                                    settings.apiKey(), config.mutationsPerRequest()),
                            identityOf(Functions.SYSTEM_CANARY),
                            Map.of("IAM_GRAPHQL_URL", iamGraphqlUrl))));
            functions.add(canary);
            schedules.add(ScheduleComponent.afterOnePeriod(settings, "canary-schedule", canary, canaryInterval));
        }

        lambda.serve(List.of(rotator, consumer, producer, broadcaster));

        // Stages: each one's components need only the stages before it, and start in parallel.
        // Lambda's mappings act with their function's execution role.
        stages = List.of(
                List.of(secrets, tmdb, kafka, dynamo, sqs, s3, gateway),
                List.of(simulator, web, new TopicComponent(settings, provisioner)),
                concat(functions, lambda),
                List.of(new EventSourceMappingComponent(settings, kafka, consumer, s3,
                                AwsAccess.as(identities.forPrincipal(function(Functions.TICK_CONSUMER)), gateway.endpoint()),
                                scramArn),
                        new StreamMappingComponent(settings, dynamo, "reviews",
                                AwsAccess.as(identities.forPrincipal(function(Functions.REVIEW_BROADCASTER)),
                                        gateway.endpoint()), List.copyOf(broadcasters))),
                List.copyOf(schedules));
    }

    /**
     * A deployed function's environment with its identity's credentials (as Lambda sets its role's
     * session credentials) and the local overrides (endpoints, the broker's protocol).
     */
    private static Map<String, String> deployedPlus(Map<String, String> deployed, Map<String, String> credentials,
                                                    Map<String, String> local) {
        Map<String, String> environment = new java.util.TreeMap<>(deployed);
        environment.putAll(credentials);
        environment.putAll(local);
        return environment;
    }

    /** The components of a stage: {@code first}, then {@code more}. */
    private static List<Component> concat(List<Component> first, Component... more) {
        List<Component> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }

    /** The export's principal of a function: its handler's. */
    private static String function(Functions.Definition definition) {
        return "function:" + definition.handler();
    }

    private Map<String, String> identityOf(Functions.Definition definition) {
        return AwsAccess.environment(identities.forPrincipal(function(definition)));
    }

    /**
     * Each resource the templates' policies name (by construct path, as the export keys it) that a
     * stand-in serves here, to its local value. A stream's label is bound as {@code *}: the local
     * table has one stream. A resource missing here stays unbound and matches no call (a test lists
     * what the run's principals leave unbound).
     */
    private Map<String, String> binding(LocalSettings settings, String scramSecretArn, String tmdbSecretArn) {
        String region = LocalSettings.REGION;
        String account = LocalSettings.ACCOUNT;
        Map<String, String> binding = new HashMap<>();
        // The API stack's construct for logical table "reviews" is ReviewsTable.
        dynamo.tables().forEach((logical, name) -> {
            String key = "api/" + Character.toUpperCase(logical.charAt(0)) + logical.substring(1) + "Table/Resource";
            String arn = "arn:aws:dynamodb:" + region + ":" + account + ":table/" + name;
            binding.put(key + ".Arn", arn);
            binding.put(key + ".StreamArn", arn + "/stream/*");
        });
        binding.put("api/Api/GraphqlApi/Resource.ApiId", API_ID);
        binding.put("api/Api/GraphqlApi/Resource.Arn", "arn:aws:appsync:" + region + ":" + account + ":apis/" + API_ID);
        binding.put("streaming/FailureQueue/Resource.Arn", sqs.failureQueueArn());
        binding.put("streaming/TickConsumer/FailureBucket/Resource.Arn", "arn:aws:s3:::" + s3.bucket());
        binding.put("streaming/Msk/ScramSecret/Resource.Ref", scramSecretArn);
        binding.put("streaming/Msk/Key/Resource.Arn", "arn:aws:kms:" + region + ":" + account + ":key/"
                + settings.prefix() + "-msk");
        binding.put("movies/TmdbSecret/Resource.Ref", tmdbSecretArn);
        // The producer's live alias (system verify invokes it), served by the run's Lambda Invoke API.
        binding.put("streaming/TickProducer/Live/Resource.Ref", producerAliasArn());
        return binding;
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

    IamGatewayComponent gateway() {
        return gateway;
    }

    /** The tick producer's {@code live} alias ARN, as the streaming stack's output names the deployed one. */
    String producerAliasArn() {
        return "arn:aws:lambda:" + LocalSettings.REGION + ":" + LocalSettings.ACCOUNT + ":function:" + PRODUCER + ":"
                + LambdaComponent.ALIAS;
    }

    /** The identity the CLI tasks sign with: the stack's operator policy. */
    LocalIdentity operator() {
        return identities.forPrincipal(OPERATOR);
    }
}
