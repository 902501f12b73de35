package dev.refarch.realtime.local.iam;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a request's SigV4 {@code Authorization} header as the service does, from the request as
 * it arrived and the caller's own secret
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
 * the canonical request (path normalised and encoded twice, except for S3, which signs the path as
 * sent, encoded once; query sorted; the signed headers; the payload's SHA-256, or for S3 the
 * {@code x-amz-content-sha256} value, which must then be the body's hash unless it is
 * {@code UNSIGNED-PAYLOAD} or a {@code STREAMING-*} mode), the string to sign over the credential
 * scope, and the signing key derived from the secret. The scope's date and region must be the
 * request's, and the request must arrive within 5 minutes of its {@code x-amz-date}
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html), 15 for S3
 * ({@code RequestTimeTooSkewed}, https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 * An {@code aws-chunked} upload is decoded, each chunk signature checked ({@link AwsChunkedBody}).
 *
 * <p>Not verified: presigned URLs (query-string signatures) and SigV4A are refused as malformed;
 * no session tokens exist locally.
 */
public final class SigV4Verifier {

    /** How far a request's time may be from the server's (all services but S3). */
    public static final Duration SKEW = Duration.ofMinutes(5);
    /** S3's limit. */
    public static final Duration S3_SKEW = Duration.ofMinutes(15);
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CREDENTIAL = Pattern.compile("([^/]+)/(\\d{8})/([^/]+)/([^/]+)/([^/]+)");

    /** Why a signature is refused. */
    public enum Problem {
        /** No {@code Authorization} header (an anonymous request). */
        MISSING_AUTHENTICATION,
        /** An {@code Authorization} header, date or body that is not well formed, or a signature form not supported. */
        MALFORMED,
        /** Signed with an access key no local identity has. */
        UNKNOWN_ACCESS_KEY,
        /** The signature (or a chunk's) is not the one the caller's secret gives for this request. */
        SIGNATURE_MISMATCH,
        /** {@code x-amz-date} too far from the server's time. */
        EXPIRED,
        /** S3: {@code x-amz-content-sha256} is not the SHA-256 of the body. */
        CONTENT_SHA256_MISMATCH
    }

    /** The outcome of a check. */
    public sealed interface Outcome permits Verified, Refused {
    }

    /**
     * A request signed by a known identity.
     *
     * @param identity who signed it
     * @param service  the credential scope's service ({@code dynamodb}, {@code sqs}, {@code s3}, ...)
     * @param request  the request to forward: an {@code aws-chunked} body decoded, its trailing
     *                 headers (checksums) moved into the headers
     */
    public record Verified(LocalIdentity identity, String service, AwsRequest request) implements Outcome {
    }

    /**
     * A refused request.
     *
     * @param problem     why
     * @param service     the credential scope's service, when the header names one
     * @param accessKeyId the access key it names, when it names one
     * @param requestTime its {@code x-amz-date}, when it has one
     * @param serverTime  the time it was checked at
     * @param detail      the local explanation (the canonical request for a mismatch)
     */
    public record Refused(Problem problem, Optional<String> service, Optional<String> accessKeyId,
                          Optional<Instant> requestTime, Instant serverTime, String detail) implements Outcome {
    }

    private final Function<String, Optional<LocalIdentity>> identities;
    private final String region;
    private final Clock clock;

    /**
     * @param identities finds the identity of an access key
     * @param region     the region every scope must name
     * @param clock      the server's time
     */
    public SigV4Verifier(Function<String, Optional<LocalIdentity>> identities, String region, Clock clock) {
        this.identities = identities;
        this.region = region;
        this.clock = clock;
    }

    /** Checks {@code request}. */
    public Outcome verify(AwsRequest request) {
        Instant now = clock.instant();
        Optional<String> authorization = request.header("authorization");
        if (authorization.isEmpty()) {
            boolean presigned = request.rawQuery().contains("X-Amz-Signature=");
            return new Refused(presigned ? Problem.MALFORMED : Problem.MISSING_AUTHENTICATION, Optional.empty(),
                    Optional.empty(), Optional.empty(), now, presigned
                            ? "presigned (query-string) signatures are not verified locally"
                            : "no Authorization header");
        }
        Map<String, String> parts = authorizationParts(authorization.get());
        Matcher credential = CREDENTIAL.matcher(parts.getOrDefault("Credential", ""));
        if (parts.isEmpty() || !credential.matches() || !parts.containsKey("SignedHeaders")
                || !parts.containsKey("Signature")) {
            return new Refused(Problem.MALFORMED, Optional.empty(), Optional.empty(), Optional.empty(), now,
                    "Authorization is not 'AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...': "
                            + authorization.get());
        }
        String accessKey = credential.group(1);
        String scopeDate = credential.group(2);
        String scopeRegion = credential.group(3);
        Optional<String> service = Optional.of(credential.group(4));
        Optional<LocalIdentity> identity = identities.apply(accessKey);
        if (identity.isEmpty()) {
            return new Refused(Problem.UNKNOWN_ACCESS_KEY, service, Optional.of(accessKey), Optional.empty(), now,
                    "no local identity signs with " + accessKey);
        }
        Optional<String> amzDate = request.header("x-amz-date");
        Instant requestTime;
        try {
            requestTime = Instant.from(AMZ_DATE.parse(amzDate.orElseThrow(() -> new DateTimeParseException(
                    "missing", "", 0))));
        } catch (DateTimeParseException e) {
            return new Refused(Problem.MALFORMED, service, Optional.of(accessKey), Optional.empty(), now,
                    "x-amz-date is missing or not yyyyMMdd'T'HHmmss'Z': " + amzDate.orElse("(none)"));
        }
        Optional<Instant> when = Optional.of(requestTime);
        boolean s3 = service.get().equals("s3");
        Duration limit = s3 ? S3_SKEW : SKEW;
        if (Duration.between(requestTime, now).abs().compareTo(limit) > 0) {
            return new Refused(Problem.EXPIRED, service, Optional.of(accessKey), when, now,
                    "x-amz-date " + amzDate.get() + " is more than " + limit.toMinutes() + " minutes from "
                            + AMZ_DATE.format(now));
        }
        if (!credential.group(5).equals("aws4_request")) {
            return new Refused(Problem.MALFORMED, service, Optional.of(accessKey), when, now,
                    "the credential scope does not end in aws4_request");
        }
        if (!amzDate.get().startsWith(scopeDate) || !scopeRegion.equals(region)) {
            return new Refused(Problem.SIGNATURE_MISMATCH, service, Optional.of(accessKey), when, now,
                    "the credential scope " + scopeDate + "/" + scopeRegion + " is not the request's date "
                            + amzDate.get() + " in region " + region);
        }
        List<String> signedHeaders = List.of(parts.get("SignedHeaders").toLowerCase(Locale.ROOT).split(";"));
        if (!signedHeaders.contains("host")) {
            return new Refused(Problem.MALFORMED, service, Optional.of(accessKey), when, now,
                    "the Host header is not signed");
        }
        String payloadHash = hex(sha256(request.body()));
        AwsChunkedBody.Mode chunked = null;
        if (s3) {
            Optional<String> claimed = request.header("x-amz-content-sha256");
            if (claimed.isEmpty()) {
                return new Refused(Problem.MALFORMED, service, Optional.of(accessKey), when, now,
                        "S3 requires x-amz-content-sha256");
            }
            chunked = AwsChunkedBody.Mode.of(claimed.get());
            if (HEX_SHA256.matcher(claimed.get()).matches() && !claimed.get().equals(payloadHash)) {
                return new Refused(Problem.CONTENT_SHA256_MISMATCH, service, Optional.of(accessKey), when, now,
                        "x-amz-content-sha256 " + claimed.get() + " is not the body's SHA-256 " + payloadHash);
            }
            if (chunked == null && !HEX_SHA256.matcher(claimed.get()).matches()
                    && !claimed.get().equals("UNSIGNED-PAYLOAD")) {
                return new Refused(Problem.MALFORMED, service, Optional.of(accessKey), when, now,
                        "x-amz-content-sha256 " + claimed.get() + " is not supported locally");
            }
            payloadHash = claimed.get();
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders) {
            List<String> values = request.headers().get(name);
            if (values == null) {
                return new Refused(Problem.SIGNATURE_MISMATCH, service, Optional.of(accessKey), when, now,
                        "signed header " + name + " was not sent");
            }
            canonicalHeaders.append(name).append(':')
                    .append(String.join(",", values.stream().map(v -> v.strip().replaceAll("\\s+", " ")).toList()))
                    .append('\n');
        }
        String canonicalRequest = String.join("\n", request.method(), canonicalUri(request.rawPath(), s3),
                canonicalQuery(request.rawQuery()), canonicalHeaders.toString(), String.join(";", signedHeaders),
                payloadHash);
        String scope = scopeDate + "/" + scopeRegion + "/" + service.get() + "/aws4_request";
        String stringToSign = String.join("\n", "AWS4-HMAC-SHA256", amzDate.get(), scope,
                hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
        byte[] key = signingKey(identity.get().secretAccessKey(), scopeDate, scopeRegion, service.get());
        String signature = parts.get("Signature");
        if (!same(hex(hmac(key, stringToSign)), signature)) {
            return new Refused(Problem.SIGNATURE_MISMATCH, service, Optional.of(accessKey), when, now,
                    "the signature does not verify with " + identity.get().name() + "'s secret over the canonical "
                            + "request\n" + canonicalRequest);
        }
        if (chunked == null) {
            return new Verified(identity.get(), service.get(), request);
        }
        try {
            AwsChunkedBody.Decoded decoded = AwsChunkedBody.decode(request.body(), chunked, signature, key,
                    amzDate.get(), scope);
            return new Verified(identity.get(), service.get(), decodedRequest(request, decoded));
        } catch (AwsChunkedBody.Invalid e) {
            return new Refused(e.signature ? Problem.SIGNATURE_MISMATCH : Problem.MALFORMED, service,
                    Optional.of(accessKey), when, now, e.getMessage());
        }
    }

    /**
     * The request with its plain body: {@code aws-chunked} dropped from {@code Content-Encoding}, the
     * decoded length and trailer announcements removed, {@code x-amz-content-sha256} the body's hash,
     * the trailing headers (checksums) as ordinary headers, for the backend to check.
     */
    private static AwsRequest decodedRequest(AwsRequest request, AwsChunkedBody.Decoded decoded) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        headers.remove("x-amz-decoded-content-length");
        headers.remove("x-amz-trailer");
        headers.remove("content-length");
        List<String> encodings = new ArrayList<>();
        for (String value : headers.getOrDefault("content-encoding", List.of())) {
            for (String encoding : value.split(",")) {
                if (!encoding.isBlank() && !encoding.trim().equalsIgnoreCase("aws-chunked")) {
                    encodings.add(encoding.trim());
                }
            }
        }
        headers.remove("content-encoding");
        if (!encodings.isEmpty()) {
            headers.put("content-encoding", List.of(String.join(",", encodings)));
        }
        headers.put("x-amz-content-sha256", List.of(hex(sha256(decoded.data()))));
        decoded.trailers().forEach((name, value) -> headers.put(name, List.of(value)));
        return request.withBody(decoded.data(), headers);
    }

    /** {@code Credential}, {@code SignedHeaders}, {@code Signature} of an {@code AWS4-HMAC-SHA256} header; empty if it is not one. */
    private static Map<String, String> authorizationParts(String authorization) {
        String prefix = "AWS4-HMAC-SHA256 ";
        if (!authorization.startsWith(prefix)) {
            return Map.of();
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : authorization.substring(prefix.length()).split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return parts;
    }

    /**
     * The canonical URI: each path segment decoded, then encoded once (S3) or, after removing
     * {@code .} and {@code ..} segments, twice (every other service), as the SDKs sign it.
     */
    static String canonicalUri(String rawPath, boolean s3) {
        String[] segments = rawPath.split("/", -1);
        List<String> kept = new ArrayList<>();
        for (int i = 1; i < segments.length; i++) {
            String segment = percentDecode(segments[i]);
            if (!s3 && segment.equals(".")) {
                continue;
            }
            if (!s3 && segment.equals("..")) {
                if (!kept.isEmpty()) {
                    kept.remove(kept.size() - 1);
                }
                continue;
            }
            kept.add(s3 ? uriEncode(segment) : uriEncode(uriEncode(segment)));
        }
        return "/" + String.join("/", kept);
    }

    /** The canonical query: names and values decoded, re-encoded, sorted by name then value. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.add(new String[] {uriEncode(percentDecode(name)), uriEncode(percentDecode(value))});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        return String.join("&", pairs.stream().map(p -> p[0] + "=" + p[1]).toList());
    }

    /** RFC 3986 encoding as SigV4 wants it: only {@code A-Za-z0-9-_.~} stay, the rest {@code %XX} of UTF-8. */
    static String uriEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** {@code %XX} sequences to their UTF-8 characters; everything else (a {@code +} too) as it is. */
    static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
                out.write(Integer.parseInt(new String(bytes, i + 1, 2, StandardCharsets.US_ASCII), 16));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(byte b) {
        return Character.digit((char) b, 16) >= 0;
    }

    static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] key = ("AWS4" + secret).getBytes(StandardCharsets.UTF_8);
        for (String part : List.of(date, region, service, "aws4_request")) {
            key = hmac(key, part);
        }
        return key;
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Compares two signatures in constant time. */
    static boolean same(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                actual.getBytes(StandardCharsets.US_ASCII));
    }

    /** An {@code x-amz-date} value of an instant, for messages. */
    public static String amzDate(Instant instant) {
        return AMZ_DATE.format(instant);
    }
}
