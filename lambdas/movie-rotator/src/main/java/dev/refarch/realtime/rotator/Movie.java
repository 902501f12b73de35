package dev.refarch.realtime.rotator;

import java.util.Objects;

/**
 * A movie as the rotator shows it; the fields of the schema's {@code MovieInput}.
 *
 * @param id          TMDb id
 * @param title       never blank
 * @param overview    may be null
 * @param posterUrl   full image URL, null when TMDb has no poster
 * @param releaseDate {@code YYYY-MM-DD} as TMDb gives it, or null
 */
public record Movie(String id, String title, String overview, String posterUrl, String releaseDate) {

    public Movie {
        Objects.requireNonNull(id, "id");
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("movie " + id + " has no title");
        }
    }
}
