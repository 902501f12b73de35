package dev.refarch.realtime.infra.stacks;

import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.constructs.JavaFunction;
import dev.refarch.realtime.infra.constructs.RotationSchedule;
import java.util.Map;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * The movie experience's backend: the TMDb key secret, the rotator function and its schedule.
 * The rotator may read its secret, write the two tables with the exact operations it runs, and
 * call exactly the one backend mutation it uses.
 */
public final class MoviesStack extends Stack {

    public static final String TMDB_SECRET_OUTPUT = "TmdbSecretArn";
    public static final String ROTATOR_OUTPUT = "RotatorFunctionName";
    public static final String STATE_MACHINE_OUTPUT = "RotationStateMachineArn";

    /** The JSON key of the TMDb API key (v3) or read access token (v4) in the secret. */
    public static final String TMDB_SECRET_KEY = "tmdbApiKey";

    private final JavaFunction rotator;
    private final RotationSchedule schedule;

    /**
     * @param catalogPostersUrl where the shipped catalog's posters are published (the Web stack), for
     *                          the rotations made from the catalog while the TMDb secret is empty
     */
    public MoviesStack(Construct scope, String id, StackProps props, AppConfig config, ApiStack api,
                       String catalogPostersUrl) {
        super(scope, id, props);
        // Created empty: the operator puts the key in (README), so it is never in the template.
        Secret tmdbSecret = Secret.Builder.create(this, "TmdbSecret")
                .description("TMDb API key (v3) or read access token (v4) for the movie rotator, as {\""
                        + TMDB_SECRET_KEY + "\": \"...\"}")
                .secretObjectValue(Map.of(TMDB_SECRET_KEY, SecretValue.unsafePlainText("")))
                .removalPolicy(config.stage().removalPolicy())
                .build();
        Validations.of(tmdbSecret).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-SMG4")
                .reason("A third-party TMDb API key: AWS cannot issue a new one, so there is nothing for "
                        + "a rotation Lambda to do; rotate it by issuing a key at TMDb and putting it in.")
                .build());

        rotator = new JavaFunction(this, "MovieRotator", JavaFunction.Props.builder()
                .definition(Functions.MOVIE_ROTATOR)
                .description("Makes the next TMDb movie current, updates the leaderboard, broadcasts the change")
                .environment(Functions.rotatorEnvironment(api.reviewsTable().getTableName(),
                        api.moviesTable().getTableName(), api.api().api().getGraphqlUrl(), tmdbSecret.getSecretArn(),
                        catalogPostersUrl, config.mutationsPerRequest(), config.voteShards()))
                .stage(config.stage())
                .deployment(config.prefix())
                .build());
        tmdbSecret.grantRead(rotator.role());
        api.reviewsTable().grant(rotator.role(), "dynamodb:UpdateItem");
        // UpdateItem: the attempt count of a pending rotation.
        api.moviesTable().grant(rotator.role(), "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:DeleteItem");
        // Only the movie: the moved rows reach clients through the review broadcaster (ApiStack).
        api.api().api().grantMutation(rotator.role(), "setCurrentMovie");

        schedule = new RotationSchedule(this, "RotationSchedule", RotationSchedule.Props.builder()
                .target(rotator.alias())
                .rotationSeconds(config.rotationSeconds())
                .stage(config.stage())
                .build());

        CfnOutput.Builder.create(this, TMDB_SECRET_OUTPUT).value(tmdbSecret.getSecretArn())
                .description("Put the TMDb key here: {\"" + TMDB_SECRET_KEY + "\": \"...\"}").build();
        CfnOutput.Builder.create(this, ROTATOR_OUTPUT).value(rotator.function().getFunctionName())
                .description("The movie rotator function").build();
        CfnOutput.Builder.create(this, STATE_MACHINE_OUTPUT).value(schedule.stateMachine().getStateMachineArn())
                .description("Runs the rotations of each minute").build();
    }

    public JavaFunction rotator() {
        return rotator;
    }

    /** The rotation's schedule: its rule, state machine and dead-letter queue. */
    public RotationSchedule schedule() {
        return schedule;
    }
}
