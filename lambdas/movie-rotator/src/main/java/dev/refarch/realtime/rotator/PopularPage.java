package dev.refarch.realtime.rotator;

import java.util.List;

/**
 * One page of TMDb's popular movies.
 *
 * @param page       the page number
 * @param totalPages how many pages TMDb reports
 * @param movies     the page's movies that have a title, in TMDb's order
 */
public record PopularPage(int page, int totalPages, List<Movie> movies) {

    public PopularPage {
        movies = List.copyOf(movies);
    }
}
