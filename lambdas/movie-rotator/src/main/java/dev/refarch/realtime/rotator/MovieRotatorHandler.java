package dev.refarch.realtime.rotator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.crac.Core;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Lambda entry point, invoked by the rotation schedule: one invocation, one rotation.
 * Everything is built once at init (and primed before a SnapStart snapshot).
 */
public final class MovieRotatorHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    /** Kept for the AppSync client to report after its last attempt. */
    private static final Duration DEADLINE_MARGIN = Duration.ofSeconds(1);

    private final MovieRotator rotator;
    /** Held here: CRaC keeps registered resources only weakly. */
    private final Priming priming = new Priming();

    /** The Lambda runtime's constructor: configuration from the environment. */
    public MovieRotatorHandler() {
        RotatorConfig config = RotatorConfig.fromEnvironment(System.getenv());
        AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        this.rotator = create(config, credentials, new PowertoolsMetrics(config.metricsNamespace()));
        Core.getGlobalContext().register(priming);
    }

    /** For tests and other entry points: a handler around a given rotator. */
    public MovieRotatorHandler(MovieRotator rotator) {
        this.rotator = rotator;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> rotator
                .rotate(AppSyncClient.timeLeft(context::getRemainingTimeInMillis, DEADLINE_MARGIN))
                .summary());
    }

    /** Wires the rotator's collaborators for a configuration. */
    public static MovieRotator create(RotatorConfig config, AwsCredentialsProvider credentials,
            RotatorMetrics metrics) {
        return create(config, credentials, metrics, TmdbClient.READ_TIMEOUT);
    }

    /** As {@link #create(RotatorConfig, AwsCredentialsProvider, RotatorMetrics)}, with a TMDb read timeout. */
    static MovieRotator create(RotatorConfig config, AwsCredentialsProvider credentials, RotatorMetrics metrics,
            Duration tmdbReadTimeout) {
        return create(config, credentials, metrics, tmdbReadTimeout, Clock.systemUTC());
    }

    /** As {@link #create(RotatorConfig, AwsCredentialsProvider, RotatorMetrics, Duration)}, with a clock. */
    static MovieRotator create(RotatorConfig config, AwsCredentialsProvider credentials, RotatorMetrics metrics,
            Duration tmdbReadTimeout, Clock clock) {
        Region region = Region.of(config.region());
        DynamoDbClient dynamo = DynamoDbClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .applyMutation(b -> config.dynamoDbEndpoint().ifPresent(b::endpointOverride))
                .build();
        SecretsManagerClient secrets = SecretsManagerClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .applyMutation(b -> config.secretsManagerEndpoint().ifPresent(b::endpointOverride))
                .build();
        AppSyncClient appSync = AppSyncClient.builder(AppSyncClientConfig.defaults(config.graphqlUrl(), region))
                .credentialsProvider(credentials)
                .build();
        return new MovieRotator(
                new Catalog(dynamo, config.moviesTable()),
                new TmdbClient(config.tmdbBaseUrl(), config.tmdbImageBaseUrl(), TmdbClient.CONNECT_TIMEOUT,
                        tmdbReadTimeout),
                new TmdbKeySource(secrets, config.tmdbSecretArn()),
                new ShippedCatalog(config.catalogPosterBaseUrl()),
                new ReviewRowMover(dynamo, config.reviewsTable(), config.voteShards(), metrics),
                new RotationBroadcast(appSync, config.mutationsPerRequest()),
                metrics,
                // A SecureRandom made per fetch (once per catalog refill): a generator seeded at init
                // would be in the SnapStart snapshot, shared by every restored environment.
                n -> new SecureRandom().nextInt(n) + 1,
                clock);
    }
}
