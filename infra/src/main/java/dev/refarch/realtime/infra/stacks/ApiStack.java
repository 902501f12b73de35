package dev.refarch.realtime.infra.stacks;

import dev.refarch.realtime.cli.StackOutputs;
import dev.refarch.realtime.graphql.TableContract;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.Stage;
import dev.refarch.realtime.infra.constructs.RealtimeApi;
import dev.refarch.realtime.infra.constructs.ReviewBroadcaster;
import dev.refarch.realtime.infra.constructs.ReviewsSeed;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Expiration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.constructs.Construct;

/**
 * The GraphQL API both experiences use: the AppSync API with its resolvers, the Reviews,
 * Movies and Ticks tables, the Reviews rows seeded at deploy, and the review broadcaster that
 * publishes the rows' changes from the Reviews table's stream.
 */
public final class ApiStack extends Stack {

    /** Output keys; the Reviews CLI task finds the table through {@link #REVIEWS_TABLE_OUTPUT}. */
    public static final String GRAPHQL_URL_OUTPUT = "GraphqlUrl";
    public static final String REALTIME_URL_OUTPUT = "RealtimeUrl";
    public static final String API_ID_OUTPUT = "ApiId";
    public static final String API_KEY_OUTPUT = "ApiKey";
    public static final String REVIEWS_TABLE_OUTPUT = StackOutputs.REVIEWS_TABLE_NAME;
    public static final String MOVIES_TABLE_OUTPUT = "MoviesTableName";
    public static final String TICKS_TABLE_OUTPUT = "TicksTableName";

    private final Table reviewsTable;
    private final Table moviesTable;
    private final Table ticksTable;
    private final RealtimeApi api;
    private final ReviewBroadcaster reviewBroadcaster;

    public ApiStack(Construct scope, String id, StackProps props, AppConfig config, LocalDate synthDay) {
        super(scope, id, props);
        // Its stream feeds the review broadcaster: every vote and every move, as the row's new image.
        reviewsTable = table("ReviewsTable", TableContract.Reviews.REACTION, config.stage(), StreamViewType.NEW_IMAGE);
        moviesTable = table("MoviesTable", TableContract.Movies.PK, config.stage(), null);
        // The latest tick of each symbol: publishTick writes it only for a higher sequence.
        ticksTable = table("TicksTable", TableContract.Ticks.SYMBOL, config.stage(), null);

        // Counted from the start of the synth day, so a day's templates are identical.
        long expiresAt = synthDay.plusDays(config.apiKeyExpiryDays()).atStartOfDay(ZoneOffset.UTC)
                .toInstant().toEpochMilli();
        api = new RealtimeApi(this, "Api", new RealtimeApi.Props(
                config.appName() + "-" + config.stage().id(),
                Map.of("reviews", reviewsTable, "movies", moviesTable, "ticks", ticksTable),
                Expiration.atTimestamp(expiresAt),
                config.stage(),
                RealtimeApi.variables(config)));

        new ReviewsSeed(this, "ReviewsSeed", reviewsTable, config.stage());
        // In this stack: it lives and dies with the table's stream and the API it publishes to.
        reviewBroadcaster = new ReviewBroadcaster(this, "ReviewBroadcaster", new ReviewBroadcaster.Props(
                reviewsTable, moviesTable, api.api(), config.reviewBroadcastMillis(), config.mutationsPerRequest(), config.stage(),
                config.prefix(), config.voteShards()));

        output(GRAPHQL_URL_OUTPUT, api.api().getGraphqlUrl(), "GraphQL endpoint (HTTPS)");
        output(REALTIME_URL_OUTPUT, api.realtimeUrl(), "Real-time endpoint for subscriptions (WSS)");
        output(API_ID_OUTPUT, api.api().getApiId(), "AppSync API id");
        output(API_KEY_OUTPUT, api.api().getApiKey(), "Public API key for web clients (not a secret: it ships in the page)");
        output(REVIEWS_TABLE_OUTPUT, reviewsTable.getTableName(), "Reviews table: live counts and leaderboard");
        output(MOVIES_TABLE_OUTPUT, moviesTable.getTableName(), "Movies table: the current movie");
        output(TICKS_TABLE_OUTPUT, ticksTable.getTableName(), "Ticks table: the latest tick of each symbol");
    }

    private Table table(String id, String partitionKey, Stage stage, StreamViewType stream) {
        return Table.Builder.create(this, id)
                .stream(stream)
                .partitionKey(Attribute.builder().name(partitionKey).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .deletionProtection(stage.deletionProtection())
                .removalPolicy(stage.removalPolicy())
                .build();
    }

    private void output(String key, String value, String description) {
        CfnOutput.Builder.create(this, key).value(value).description(description).build();
    }

    public Table reviewsTable() {
        return reviewsTable;
    }

    public Table moviesTable() {
        return moviesTable;
    }

    public Table ticksTable() {
        return ticksTable;
    }

    public RealtimeApi api() {
        return api;
    }

    /** The function that broadcasts Reviews rows from the table's stream. */
    public ReviewBroadcaster reviewBroadcaster() {
        return reviewBroadcaster;
    }
}
