package dev.refarch.realtime.infra.constructs;

import java.util.List;

/**
 * The web page's content security policy, one declaration for the Web stack's CloudFront
 * response headers and the local run's web server: scripts, styles and fonts from the page's own
 * origin only, network connections to exactly the API's GraphQL and real-time endpoints (and the
 * page's own {@code /config.json}), images from the page's origin (the shipped catalog's
 * posters) and the given poster hosts. Arguments may be CDK tokens.
 */
public final class WebContentPolicy {

    /** TMDb's image host, used for posters once a TMDb key is in the secret. */
    public static final String TMDB_IMAGES = "https://image.tmdb.org";

    private WebContentPolicy() {
    }

    /**
     * @param graphqlUrl   the API's GraphQL endpoint (https://..., or http:// locally)
     * @param realtimeUrl  the API's real-time endpoint (wss://..., or ws:// locally)
     * @param imageSources further origins posters may come from
     */
    public static String of(String graphqlUrl, String realtimeUrl, List<String> imageSources) {
        StringBuilder images = new StringBuilder("'self'");
        imageSources.forEach(source -> images.append(' ').append(source));
        return String.join("; ",
                "default-src 'none'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src " + images,
                "connect-src 'self' " + graphqlUrl + " " + realtimeUrl,
                "manifest-src 'self'",
                "base-uri 'none'",
                "form-action 'none'",
                "frame-ancestors 'none'",
                "object-src 'none'");
    }
}
