package dev.refarch.realtime.broadcaster;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.crac.Core;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Lambda entry point for the Reviews table's stream mapping:
 * {@code dev.refarch.realtime.broadcaster.ReviewBroadcasterHandler::handleRequest}. Reads the
 * DynamoDB Streams event, broadcasts, and answers the partial batch response. Which batch broadcasts is
 * decided in the Movies table's broadcast slot ({@link BroadcastSlot}), shared by every environment.
 */
public final class ReviewBroadcasterHandler implements RequestStreamHandler {

    /** Kept back from the remaining time for writing the response. */
    static final Duration DEADLINE_MARGIN = Duration.ofMillis(1000);

    private final ObjectMapper json = new ObjectMapper();
    private final ReviewBroadcaster broadcaster;
    /** Held here: CRaC keeps registered resources only weakly. */
    private final Priming priming;

    /** Lambda's constructor: configuration and clients created once, at init. */
    public ReviewBroadcasterHandler() {
        this(fromConfig(BroadcasterConfig.fromEnv(System.getenv())));
        Core.getGlobalContext().register(priming);
    }

    /** A handler around an already wired broadcaster. */
    public ReviewBroadcasterHandler(ReviewBroadcaster broadcaster) {
        this.broadcaster = broadcaster;
        this.priming = new Priming(json, broadcaster.appSync());
    }

    /** The SnapStart priming this handler registers (for tests). */
    Priming priming() {
        return priming;
    }

    static ReviewBroadcaster fromConfig(BroadcasterConfig config) {
        AppSyncClientConfig defaults = AppSyncClientConfig.defaults(config.graphqlUrl(), config.region());
        AppSyncClient appSync = AppSyncClient.builder(defaults.withBatchLimits(config.mutationsPerRequest(),
                        defaults.maxRequestBytes()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .build();
        DynamoDbClient dynamo = DynamoDbClient.builder()
                .region(config.region())
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClient(UrlConnectionHttpClient.create())
                .applyMutation(b -> {
                    if (config.dynamoDbEndpoint() != null) {
                        b.endpointOverride(config.dynamoDbEndpoint());
                    }
                })
                .build();
        ReviewShards shards = new ReviewShards(dynamo, config.reviewsTable(), config.voteShards());
        return new ReviewBroadcaster(appSync, BroadcastSlot.system(dynamo, config.moviesTable(), config.interval()),
                BroadcasterMetrics.powertools(config.metricsNamespace()), shards);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ReviewStreamEvent event = ReviewStreamEvent.parse(input, json);
        BroadcastResult result = PowertoolsLogging.withLogging(context, () -> broadcaster.broadcast(event,
                AppSyncClient.timeLeft(context::getRemainingTimeInMillis, DEADLINE_MARGIN)));
        json.writeValue(output, result);
    }
}
