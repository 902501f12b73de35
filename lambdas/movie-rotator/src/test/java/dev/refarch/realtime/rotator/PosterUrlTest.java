package dev.refarch.realtime.rotator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Poster URLs become valid AWSURLs (https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html) or none. */
class PosterUrlTest {

    @ParameterizedTest
    @CsvSource({
            "https://image.tmdb.org/t/p/w500/p.jpg, https://image.tmdb.org/t/p/w500/p.jpg",
            "https://image.tmdb.org/t/p/w500//p.jpg, https://image.tmdb.org/t/p/w500/p.jpg",
            "'  https://image.tmdb.org/t/p/w500/a b.jpg ', https://image.tmdb.org/t/p/w500/a%20b.jpg",
            "HTTPS://image.tmdb.org/p/\u00e9t\u00e9.jpg?x=1, https://image.tmdb.org/p/%C3%A9t%C3%A9.jpg?x=1",
            "http://localhost:8080/posters/p.jpg, http://localhost:8080/posters/p.jpg"})
    void acceptableUrlsAreNormalized(String given, String expected) {
        assertEquals(Optional.of(expected), PosterUrl.normalize(given));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "/t/p/w500/p.jpg", "ftp://host/p.jpg", "javascript:alert(1)", "https:///p.jpg"})
    void unusableUrlsAreDropped(String given) {
        assertEquals(Optional.empty(), PosterUrl.normalize(given));
    }
}
