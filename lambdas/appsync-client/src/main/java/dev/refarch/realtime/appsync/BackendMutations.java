package dev.refarch.realtime.appsync;

/**
 * The IAM-only mutations of {@code graphql/schema.graphql} that the Lambdas send, in one
 * place so a unit test can validate every operation built from them against the schema.
 * Selections return every field, because AppSync subscriptions deliver only the fields the
 * triggering mutation selected.
 */
public final class BackendMutations {

    /**
     * Every field of {@code Tick}: subscribers get only what the mutation selects, and the page needs
     * {@code previousSequence} to tell a missed tick.
     */
    static final String TICK_FIELDS = "symbol price open high low volume timestamp sequence previousSequence";

    /** {@code publishTick(tick: TickInput!): Tick} without {@code after}, sent by {@code ticks replay}. */
    public static final AliasedMutation PUBLISH_TICK = new AliasedMutation("publishTick", "tick", "TickInput!",
            TICK_FIELDS);

    /**
     * {@code publishTick(tick: TickInput!, after: Float): Tick}, sent by the MSK consumer: {@code after}
     * is the sequence of the previous tick of the same symbol in the same request (null for the
     * first), so the resolver stores a tick only after its predecessor whatever order AppSync runs
     * the aliases in.
     */
    public static final AliasedMutation PUBLISH_TICK_AFTER = new AliasedMutation("publishTick", "tick", "TickInput!",
            TICK_FIELDS, "after", "Float");

    /**
     * {@code publishReview(review: ReviewInput!): Review}, sent by the review broadcaster after each
     * {@link #PUBLISH_REVIEWS}, one alias per reaction, for {@code onReview} subscribers (clients written
     * before {@code onReviews}).
     */
    public static final AliasedMutation PUBLISH_REVIEW = new AliasedMutation("publishReview", "review",
            "ReviewInput!", "reaction movieId count topMovieId topMovieTitle topCount version");

    /**
     * {@code publishReviews(board: ReviewBoardInput!): ReviewBoard}, sent by the review broadcaster: every
     * reaction's total in one message, at most once per {@code reviewBroadcastMillis}. Sent alone
     * ({@link AliasedMutation#unaliasedOperation()}): one field, one subscription event.
     */
    public static final AliasedMutation PUBLISH_REVIEWS = new AliasedMutation("publishReviews", "board",
            "ReviewBoardInput!", "reviews { reaction movieId count topMovieId topMovieTitle topCount version } publishedAt");

    /** {@code setCurrentMovie(movie: MovieInput!): Movie}, sent by the movie rotator. */
    public static final AliasedMutation SET_CURRENT_MOVIE = new AliasedMutation("setCurrentMovie", "movie",
            "MovieInput!", "id title overview posterUrl releaseDate startedAt rotation");

    private BackendMutations() {
    }
}
