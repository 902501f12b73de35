package dev.refarch.realtime.appsync;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * Checks a received request's SigV4 signature the way the service does: from the request as it
 * arrived (headers, path, body) and the secret key alone, without the SDK's signer. Every header
 * named in {@code SignedHeaders} must have arrived, and a signed {@code x-amz-content-sha256} must be
 * the SHA-256 of the body that arrived
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
 */
final class SigV4Verification {

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, "
                    + "SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    private SigV4Verification() {
    }

    /** What is wrong with the request's signature; empty when the service would accept it. */
    static List<String> problems(LoggedRequest received, AwsCredentials credentials) {
        List<String> problems = new ArrayList<>();
        String authorization = received.getHeader("Authorization");
        Matcher m = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (m == null || !m.matches()) {
            return List.of("no SigV4 Authorization header: " + authorization);
        }
        String date = m.group(2);
        String region = m.group(3);
        String service = m.group(4);
        List<String> signedHeaders = List.of(m.group(5).split(";"));
        if (!m.group(1).equals(credentials.accessKeyId())) {
            problems.add("signed by " + m.group(1) + ", not " + credentials.accessKeyId());
        }
        String bodyHash = hex(sha256(received.getBody()));
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders) {
            HttpHeader header = received.getHeaders().getHeader(name);
            if (!header.isPresent()) {
                problems.add("header " + name + " is signed but was not sent");
                continue;
            }
            String value = String.join(",", header.values().stream()
                    .map(v -> v.strip().replaceAll(" +", " ")).toList());
            canonicalHeaders.append(name.toLowerCase(Locale.ROOT)).append(':').append(value).append('\n');
        }
        String contentHash = received.getHeader("x-amz-content-sha256");
        if (signedHeaders.contains("x-amz-content-sha256") && contentHash != null && !contentHash.equals(bodyHash)) {
            problems.add("x-amz-content-sha256 " + contentHash + " is not the SHA-256 of the body received, " + bodyHash);
        }
        String amzDate = received.getHeader("X-Amz-Date");
        if (amzDate == null || !amzDate.startsWith(date)) {
            problems.add("X-Amz-Date " + amzDate + " does not match the credential scope's date " + date);
            return problems;
        }
        String canonicalRequest = String.join("\n",
                received.getMethod().getName(),
                URI.create(received.getAbsoluteUrl()).getRawPath(),
                "",
                canonicalHeaders.toString(),
                String.join(";", signedHeaders),
                bodyHash);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = String.join("\n", "AWS4-HMAC-SHA256", amzDate, scope,
                hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
        byte[] key = ("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8);
        for (String part : List.of(date, region, service, "aws4_request")) {
            key = hmac(key, part);
        }
        String expected = hex(hmac(key, stringToSign));
        if (problems.isEmpty() && !expected.equals(m.group(6))) {
            problems.add("signature " + m.group(6) + " does not verify; expected " + expected
                    + " over the canonical request\n" + canonicalRequest);
        }
        return problems;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
