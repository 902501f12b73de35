package dev.refarch.realtime.rotator;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Makes a poster URL one AppSync accepts as {@code AWSURL} (a scheme, and no {@code //} in the
 * path; https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html), or drops it: a movie
 * without a poster is better than a rotation AppSync rejects on every retry.
 */
final class PosterUrl {

    private PosterUrl() {
    }

    /**
     * @return the URL with repeated slashes in its path collapsed and illegal characters
     *     percent-encoded; empty when there is none or it is not an http(s) URL with a host
     */
    static Optional<String> normalize(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String text = url.strip();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd <= 0) {
            return Optional.empty();
        }
        String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.empty();
        }
        String rest = text.substring(schemeEnd + 3);
        int pathStart = indexOfAny(rest, "/?#");
        String host = pathStart < 0 ? rest : rest.substring(0, pathStart);
        String tail = pathStart < 0 ? "" : rest.substring(pathStart);
        int queryStart = indexOfAny(tail, "?#");
        String path = (queryStart < 0 ? tail : tail.substring(0, queryStart)).replaceAll("/{2,}", "/");
        String query = queryStart < 0 ? null : tail.substring(queryStart + 1);
        String fragment = null;
        if (query != null && tail.charAt(queryStart) == '#') {
            fragment = query;
            query = null;
        } else if (query != null && query.contains("#")) {
            fragment = query.substring(query.indexOf('#') + 1);
            query = query.substring(0, query.indexOf('#'));
        }
        try {
            // The multi-argument constructor quotes what is illegal (spaces, non-ASCII, ...).
            URI uri = new URI(scheme, host, path.isEmpty() ? null : path, query, fragment);
            if (uri.getHost() == null) {
                return Optional.empty();
            }
            return Optional.of(uri.toASCIIString());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static int indexOfAny(String text, String characters) {
        for (int i = 0; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
