package dev.refarch.realtime.local.iam;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request to an AWS endpoint as it arrived: method, path and query exactly as sent
 * (still percent-encoded, because SigV4 signs them that way), headers by lower-case name in
 * arrival order, and the body. What the signature check, the request mapping and the forwarding
 * all read.
 *
 * @param method  HTTP method, upper case
 * @param rawPath the path as sent, percent-encoded
 * @param rawQuery the query as sent without {@code ?}, percent-encoded; empty when there is none
 * @param headers every header by lower-case name, values in arrival order
 * @param body    the body as received (for {@code aws-chunked} uploads: still chunked)
 */
public record AwsRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                         byte[] body) {

    public AwsRequest {
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                .addAll(values));
        lower.replaceAll((name, values) -> List.copyOf(values));
        headers = Collections.unmodifiableMap(lower);
        rawPath = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        rawQuery = rawQuery == null ? "" : rawQuery;
        body = body == null ? new byte[0] : body;
    }

    /** The first value of a header, by any case of its name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** This request with another body and headers (the decoded form of an {@code aws-chunked} upload). */
    public AwsRequest withBody(byte[] newBody, Map<String, List<String>> newHeaders) {
        return new AwsRequest(method, rawPath, rawQuery, newHeaders, newBody);
    }
}
