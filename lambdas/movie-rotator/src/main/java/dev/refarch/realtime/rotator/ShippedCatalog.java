package dev.refarch.realtime.rotator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The films shipped with the project ({@code catalog/movies.json} in this jar, in TMDb's
 * popular-movies shape; the local run's TMDb stand-in serves the same file): what the rotator
 * rotates through while the TMDb secret holds no key, so a fresh deploy has movies at once. Their
 * posters are published by the Web stack; {@code posterBaseUrl} is where (none: no posters).
 */
public final class ShippedCatalog {

    /** The resource holding the catalog. */
    public static final String RESOURCE = "catalog/movies.json";
    /**
     * The total-pages mark a catalog page from this class carries into the Movies table, so a
     * rotation can tell shipped films left over from TMDb's (whose pages count from 1).
     */
    public static final int PAGES = 0;

    private final List<Movie> movies;

    public ShippedCatalog(Optional<String> posterBaseUrl) {
        try (InputStream in = ShippedCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not in the rotator's jar");
            }
            List<Movie> list = new ArrayList<>();
            for (JsonNode result : new ObjectMapper().readTree(in).path("results")) {
                String poster = result.path("poster_path").asText("");
                list.add(new Movie(result.path("id").asText(), result.path("title").asText(),
                        result.path("overview").asText(null),
                        posterBaseUrl.filter(base -> !poster.isBlank())
                                .flatMap(base -> PosterUrl.normalize(base.replaceAll("/+$", "") + "/" + poster.replaceAll("^/+", "")))
                                .orElse(null),
                        result.path("release_date").asText(null)));
            }
            if (list.isEmpty()) {
                throw new IllegalStateException(RESOURCE + " holds no films");
            }
            movies = List.copyOf(list);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Every shipped film, as one catalog page marked {@link #PAGES}. */
    public PopularPage page() {
        return new PopularPage(1, PAGES, movies);
    }

    /** Whether a catalog state's remaining films are shipped ones. */
    static boolean isShipped(Catalog.State state) {
        return state.totalPages() == PAGES && !state.movies().isEmpty();
    }
}
