package dev.refarch.realtime.rotator;

import dev.refarch.realtime.lambda.testing.TestContext;
import dev.refarch.realtime.graphql.TableContract.Movies;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import dev.refarch.realtime.graphql.testing.LocalApi;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The rotator wired as in Lambda ({@link MovieRotatorHandler#create}), against local real
 * components: DynamoDB Local and the AppSync simulator ({@link LocalApi}), WireMock as TMDb
 * and as Secrets Manager. Start once per test class.
 */
final class LocalRotator implements AutoCloseable {

    static final String SECRET_KEY = "k-3c1f7e0d9b2a-never-logged";
    static final Duration TMDB_READ_TIMEOUT = Duration.ofMillis(1_200);

    final LocalApi api;
    final TmdbStub stubs;
    final RecordingMetrics metrics = new RecordingMetrics();
    final RotatorConfig config;
    /** Where the Web stack would publish the shipped catalog's posters. */
    static final String CATALOG_POSTERS = "https://web.example/posters";
    MovieRotatorHandler handler;
    /** The rotator inside {@link #handler}, for tests that need the full result. */
    MovieRotator rotator;

    LocalRotator() {
        this(1);
    }

    /** With the vote resolver and the rotator spreading each reaction over {@code voteShards} shards. */
    LocalRotator(int voteShards) {
        api = LocalApi.start(voteShards);
        try {
            stubs = new TmdbStub();
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
        config = new RotatorConfig(LocalApi.REVIEWS_TABLE, LocalApi.MOVIES_TABLE, api.simulator().graphqlUrl(),
                TmdbStub.SECRET_ARN, stubs.baseUrl(), TmdbStub.IMAGE_BASE, "us-east-1",
                Optional.of(api.dynamoDbEndpoint()), Optional.of(stubs.secretsEndpoint()),
                RotatorConfig.DEFAULT_METRICS_NAMESPACE, Optional.of(CATALOG_POSTERS),
                RotatorConfig.DEFAULT_MUTATIONS_PER_REQUEST, voteShards);
        handler = newHandler();
    }

    /** A handler as a fresh Lambda instance builds it (nothing cached yet). */
    MovieRotatorHandler newHandler() {
        // The simulator accepts any SigV4-shaped Authorization header; the client signs for real.
        rotator = MovieRotatorHandler.create(config,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCALTEST", "local-secret")),
                metrics, TMDB_READ_TIMEOUT);
        return new MovieRotatorHandler(rotator);
    }

    /** A rotator like {@link #rotator} whose AppSync requests go to another endpoint. */
    MovieRotator rotatorWithAppSyncAt(java.net.URI graphqlUrl) {
        return rotator(graphqlUrl, metrics, Clock.systemUTC());
    }

    /** A rotator like {@link #rotator} with its own AppSync endpoint, metrics and clock. */
    MovieRotator rotator(java.net.URI graphqlUrl, RotatorMetrics metrics, Clock clock) {
        RotatorConfig other = new RotatorConfig(config.reviewsTable(), config.moviesTable(), graphqlUrl,
                config.tmdbSecretArn(), config.tmdbBaseUrl(), config.tmdbImageBaseUrl(), config.region(),
                config.dynamoDbEndpoint(), config.secretsManagerEndpoint(), config.metricsNamespace(),
                config.catalogPosterBaseUrl(), config.mutationsPerRequest(), config.voteShards());
        return MovieRotatorHandler.create(other,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCALTEST", "local-secret")),
                metrics, TMDB_READ_TIMEOUT, clock);
    }

    /** Empty Movies table and the five rows as the seeding task leaves them; stubs cleared. */
    void reset() {
        for (String key : List.of(Movies.CURRENT, Movies.CATALOG, Movies.PENDING)) {
            api.dynamo().deleteItem(d -> d.tableName(LocalApi.MOVIES_TABLE)
                    .key(Map.of(Movies.PK, AttributeValue.fromS(key))));
        }
        for (String reaction : Reviews.REACTIONS) {
            api.dynamo().putItem(p -> p.tableName(LocalApi.REVIEWS_TABLE).item(Map.of(
                    Reviews.REACTION, AttributeValue.fromS(reaction),
                    Reviews.COUNT, AttributeValue.fromN("0"),
                    Reviews.TOP_COUNT, AttributeValue.fromN("0"))));
        }
        stubs.reset();
        metrics.clear();
        handler = newHandler();
    }

    /** One scheduled invocation. */
    Map<String, Object> invoke() {
        return handler.handleRequest(Map.of("source", "aws.scheduler"), new TestContext("movie-rotator", 30_000));
    }

    /** The five rows and the Movies items, for before/after comparisons. */
    Map<String, Map<String, AttributeValue>> snapshot() {
        Map<String, Map<String, AttributeValue>> state = new LinkedHashMap<>();
        for (String reaction : Reviews.REACTIONS) {
            state.put(reaction, api.reviewRow(reaction));
        }
        for (String key : List.of(Movies.CURRENT, Movies.CATALOG, Movies.PENDING)) {
            state.put(key, api.dynamo().getItem(g -> g.tableName(LocalApi.MOVIES_TABLE).consistentRead(true)
                    .key(Map.of(Movies.PK, AttributeValue.fromS(key)))).item());
        }
        return state;
    }

    Catalog catalog() {
        return new Catalog(api.dynamo(), LocalApi.MOVIES_TABLE);
    }

    ReviewRowMover rowMover() {
        return new ReviewRowMover(api.dynamo(), LocalApi.REVIEWS_TABLE, config.voteShards(), metrics);
    }

    @Override
    public void close() {
        try {
            stubs.close();
        } finally {
            api.close();
        }
    }
}
