package dev.refarch.realtime.rotator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.util.List;
import java.util.OptionalLong;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart priming, run once before the snapshot, with no network call and no write:
 * serializes a broadcast's variables and a result summary with Jackson (the mapper's
 * serializers for records, maps and lists), builds a TMDb request for both key kinds
 * (java.net.http request classes), and turns DynamoDB items into movies and back. The SDK
 * clients are already built at init, which loads their classes and endpoint rules.
 */
final class Priming implements Resource {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws Exception {
        Movie movie = new Movie("0", "Priming", "overview", "https://image.invalid/p.jpg", "2000-01-01");
        List<ReviewRow> rows = Reviews.REACTIONS.stream()
                .map(r -> new ReviewRow(r, movie.id(), 0, null, null, 0)).toList();
        JSON.writeValueAsBytes(java.util.Map.of("query", RotationBroadcast.MOVIE_OPERATION,
                "variables", RotationBroadcast.movieVariables(movie, 1)));
        JSON.writeValueAsBytes(RotationResult.rotated(movie, rows.stream()
                .map(r -> new RowMove(r, OptionalLong.of(0), false, 1)).toList()).summary());
        MovieItems.fromItem(MovieItems.toItem(movie));
        TmdbClient tmdb = new TmdbClient(java.net.URI.create("https://tmdb.invalid/3"), "https://image.invalid",
                TmdbClient.CONNECT_TIMEOUT, TmdbClient.READ_TIMEOUT);
        tmdb.request(1, new TmdbApiKey("0123456789abcdef"));
        tmdb.request(1, new TmdbApiKey("eyJpriming"));
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: credentials are resolved per request, the TMDb key on first use.
    }
}
