package dev.refarch.realtime.graphql.testing;

/**
 * Every GraphQL operation the Java tests send, in one place so that {@code OperationsTest}
 * validates each against {@code graphql/schema.graphql}. Arguments go in variables, never
 * spliced into the text.
 */
public final class Operations {

    private Operations() {
    }

    public static final String MOVIE_FIELDS = "id title overview posterUrl releaseDate startedAt rotation";
    public static final String REVIEW_FIELDS = "reaction movieId count topMovieId topMovieTitle topCount version";
    public static final String MESSAGE_FIELDS = "id author text sentAt";
    public static final String TICK_FIELDS = "symbol price open high low volume timestamp sequence previousSequence";

    public static final String CURRENT_MOVIE = "query CurrentMovie { currentMovie { " + MOVIE_FIELDS + " } }";

    public static final String REVIEWS = "query Reviews { reviews { " + REVIEW_FIELDS + " } }";

    public static final String LATEST_TICKS = """
            query LatestTicks($symbols: [String!]!) {
              latestTicks(symbols: $symbols) { %s }
            }""".formatted(TICK_FIELDS);

    public static final String VOTE = """
            mutation Vote($movieId: ID!, $reaction: Reaction!, $count: Int!) {
              vote(movieId: $movieId, reaction: $reaction, count: $count) { %s }
            }""".formatted(REVIEW_FIELDS);

    public static final String SEND_MESSAGE = """
            mutation SendMessage($author: String!, $text: String!) {
              sendMessage(author: $author, text: $text) { %s }
            }""".formatted(MESSAGE_FIELDS);

    public static final String SET_CURRENT_MOVIE = """
            mutation SetCurrentMovie($movie: MovieInput!) {
              setCurrentMovie(movie: $movie) { %s }
            }""".formatted(MOVIE_FIELDS);

    public static final String PUBLISH_REVIEW = """
            mutation PublishReview($review: ReviewInput!) {
              publishReview(review: $review) { %s }
            }""".formatted(REVIEW_FIELDS);

    public static final String BOARD_FIELDS = "reviews { " + REVIEW_FIELDS + " } publishedAt";

    public static final String PUBLISH_REVIEWS = """
            mutation PublishReviews($board: ReviewBoardInput!) {
              publishReviews(board: $board) { %s }
            }""".formatted(BOARD_FIELDS);

    public static final String PUBLISH_TICK = """
            mutation PublishTick($tick: TickInput!) {
              publishTick(tick: $tick) { %s }
            }""".formatted(TICK_FIELDS);

    /** A valid {@code TickInput} of {@code symbol} at {@code price} (high one above, low one below). */
    public static java.util.Map<String, Object> tickInput(String symbol, double price, double sequence) {
        java.util.Map<String, Object> tick = new java.util.HashMap<>(java.util.Map.of("symbol", symbol, "price", price,
                "open", price, "high", price + 1, "low", price - 1, "volume", 100.0, "timestamp", "2026-01-05T14:30:00Z"));
        tick.put("sequence", sequence);
        return tick;
    }

    /** One tick chained to the previous tick of its symbol in the same request (its sequence is {@code after}). */
    public static final String PUBLISH_TICK_AFTER = """
            mutation PublishTickAfter($tick: TickInput!, $after: Float) {
              publishTick(tick: $tick, after: $after) { %s }
            }""".formatted(TICK_FIELDS);

    /**
     * Several ticks in one request, as the consumer Lambda batches them: each aliased field
     * fires its own subscription event, filtered by the {@code symbol} it selects.
     */
    public static final String PUBLISH_FOUR_TICKS = """
            mutation PublishTicks($t0: TickInput!, $t1: TickInput!, $t2: TickInput!, $t3: TickInput!) {
              t0: publishTick(tick: $t0) { %1$s }
              t1: publishTick(tick: $t1) { %1$s }
              t2: publishTick(tick: $t2) { %1$s }
              t3: publishTick(tick: $t3) { %1$s }
            }""".formatted(TICK_FIELDS);

    public static final String ON_CURRENT_MOVIE = "subscription OnCurrentMovie { onCurrentMovie { " + MOVIE_FIELDS + " } }";

    public static final String ON_REVIEW = "subscription OnReview { onReview { " + REVIEW_FIELDS + " } }";

    public static final String ON_REVIEWS = "subscription OnReviews { onReviews { " + BOARD_FIELDS + " } }";

    public static final String ON_MESSAGE = "subscription OnMessage { onMessage { " + MESSAGE_FIELDS + " } }";

    public static final String ON_TICK = """
            subscription OnTick($symbol: String!) {
              onTick(symbol: $symbol) { %s }
            }""".formatted(TICK_FIELDS);
}
