package dev.refarch.realtime.broadcaster;

/**
 * One Reviews row as stored, in the shape of the schema's {@code ReviewInput}: what subscribers of
 * {@code onReview} receive.
 *
 * @param reaction      the row's key
 * @param movieId       the movie the count belongs to (null before the first rotation)
 * @param count         votes for movieId in its showing
 * @param topMovieId    leaderboard: the movie with the most votes of this reaction in one showing
 * @param topMovieTitle its title
 * @param topCount      its count
 * @param version       grows by one with every write to the row; 0 on a row written before versions
 */
public record ReviewState(String reaction, String movieId, long count, String topMovieId, String topMovieTitle,
        long topCount, long version) {
}
