package dev.refarch.realtime.rotator;

/**
 * One Reviews row as the schema's {@code ReviewInput}: what the rotator broadcasts.
 *
 * @param reaction      the row's key
 * @param movieId       the movie the count belongs to
 * @param count         votes for movieId in its showing
 * @param topMovieId    leaderboard: the movie with the most votes of this reaction in one showing
 * @param topMovieTitle its title
 * @param topCount      its count
 */
public record ReviewRow(String reaction, String movieId, long count, String topMovieId, String topMovieTitle,
        long topCount) {
}
