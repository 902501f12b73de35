package dev.refarch.realtime.checks;

/**
 * The public GraphQL operations the checks send with the API key, as the page does; the canary ticks
 * go through the backend publishers' own {@code BackendMutations.PUBLISH_TICK_AFTER}. Arguments go in
 * variables, never spliced into the text; {@code VerifierOperationsTest} validates each against
 * {@code graphql/schema.graphql}. Every selection lists every field by name: subscribers receive what
 * the triggering mutation selected, and the chat resolver refuses a sender selecting less.
 */
public final class VerifierOperations {

    static final String MOVIE_FIELDS = "id title overview posterUrl releaseDate startedAt rotation";
    static final String REVIEW_FIELDS = "reaction movieId count topMovieId topMovieTitle topCount version";
    static final String MESSAGE_FIELDS = "id author text sentAt";
    static final String TICK_FIELDS = "symbol price open high low volume timestamp sequence";

    public static final String ON_CURRENT_MOVIE = "subscription OnCurrentMovie { onCurrentMovie { " + MOVIE_FIELDS
            + " } }";
    /** What the page subscribes to: every reaction's review in one message per broadcast. */
    public static final String ON_REVIEWS = "subscription OnReviews { onReviews { reviews { " + REVIEW_FIELDS
            + " } publishedAt } }";
    public static final String ON_MESSAGE = "subscription OnMessage { onMessage { " + MESSAGE_FIELDS + " } }";
    public static final String ON_TICK = "subscription OnTick($symbol: String!) { onTick(symbol: $symbol) { "
            + TICK_FIELDS + " } }";

    /** The page check's request with the API key: the smallest public query, to see the WAF let it through. */
    public static final String PAGE_PROBE = "query PageProbe { currentMovie { id } }";
    public static final String CURRENT_MOVIE = "query CurrentMovie { currentMovie { " + MOVIE_FIELDS + " } }";
    public static final String REVIEWS = "query Reviews { reviews { " + REVIEW_FIELDS + " } }";
    public static final String VOTE = "mutation Vote($movieId: ID!, $reaction: Reaction!, $count: Int!) {"
            + " vote(movieId: $movieId, reaction: $reaction, count: $count) { " + REVIEW_FIELDS + " } }";
    public static final String SEND_MESSAGE = "mutation SendMessage($author: String!, $text: String!) {"
            + " sendMessage(author: $author, text: $text) { " + MESSAGE_FIELDS + " } }";

    private VerifierOperations() {
    }
}
