package dev.refarch.realtime.checks;

import java.net.URI;
import java.util.Objects;

/**
 * Where the page is served, for {@link PageCheck}.
 *
 * @param webUrl   the page's URL: the web stack's {@code WebUrl} output, or the local run's web server
 * @param firewall whether a WAF web ACL is expected in front of the API (a deployed stage with
 *                 {@code waf} on); the local run has none, so its API-key request only proves the key
 *                 is accepted
 */
public record PageTarget(URI webUrl, boolean firewall) {

    public PageTarget {
        Objects.requireNonNull(webUrl, "webUrl");
        if (webUrl.getScheme() == null || !webUrl.getScheme().startsWith("http") || webUrl.getHost() == null) {
            throw new IllegalArgumentException("the page's URL must be http(s)://host/..., got " + webUrl);
        }
        if (webUrl.getPath() == null || webUrl.getPath().isEmpty()) {
            webUrl = webUrl.resolve("/");
        }
    }

    /** The page's {@code config.json}, beside its {@code index.html} (the web stack writes it there). */
    URI configUrl() {
        return webUrl.resolve("config.json");
    }
}
