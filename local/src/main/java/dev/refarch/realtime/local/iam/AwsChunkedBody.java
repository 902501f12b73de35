package dev.refarch.realtime.local.iam;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An {@code aws-chunked} upload body (what the SDK sends S3 over plain HTTP: chunks
 * {@code <hex size>;chunk-signature=<sig>\r\n<data>\r\n}, a final empty chunk, then trailing headers
 * such as {@code x-amz-checksum-crc32} and {@code x-amz-trailer-signature}) decoded into the object's
 * bytes, every chunk signature and the trailer signature checked on the way: each chunk is signed
 * over the previous signature, starting from the request's own
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html).
 */
final class AwsChunkedBody {

    /** What the {@code x-amz-content-sha256} value says about the body. */
    enum Mode {
        /** {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}: signed chunks, no trailer. */
        SIGNED(true, false),
        /** {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER}: signed chunks and a signed trailer. */
        SIGNED_WITH_TRAILER(true, true),
        /** {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}: plain chunks and an unsigned trailer. */
        UNSIGNED_WITH_TRAILER(false, true);

        final boolean signedChunks;
        final boolean trailer;

        Mode(boolean signedChunks, boolean trailer) {
            this.signedChunks = signedChunks;
            this.trailer = trailer;
        }

        static Mode of(String contentSha256) {
            return switch (contentSha256) {
                case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" -> SIGNED;
                case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" -> SIGNED_WITH_TRAILER;
                case "STREAMING-UNSIGNED-PAYLOAD-TRAILER" -> UNSIGNED_WITH_TRAILER;
                default -> null;
            };
        }
    }

    /** A body that is not what its headers and signatures say; {@link #signature} tells which. */
    static final class Invalid extends Exception {
        final boolean signature;

        Invalid(String message, boolean signature) {
            super(message);
            this.signature = signature;
        }
    }

    /**
     * The decoded body.
     *
     * @param data     the object's bytes
     * @param trailers the trailing headers (lower-case names), without the trailer signature
     */
    record Decoded(byte[] data, Map<String, String> trailers) {
    }

    private final byte[] body;
    private int pos;

    private AwsChunkedBody(byte[] body) {
        this.body = body;
    }

    /**
     * Decodes and checks {@code body}.
     *
     * @param seedSignature the request's signature, which the first chunk's signature chains from
     * @param signingKey    the request's SigV4 signing key
     * @param amzDate       the request's {@code x-amz-date}
     * @param scope         the request's credential scope
     */
    static Decoded decode(byte[] body, Mode mode, String seedSignature, byte[] signingKey, String amzDate,
                          String scope) throws Invalid {
        return new AwsChunkedBody(body).decode(mode, seedSignature, signingKey, amzDate, scope);
    }

    private Decoded decode(Mode mode, String previous, byte[] key, String amzDate, String scope) throws Invalid {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (true) {
            String header = line();
            int semicolon = header.indexOf(';');
            int size;
            try {
                size = Integer.parseInt(semicolon < 0 ? header.trim() : header.substring(0, semicolon).trim(), 16);
            } catch (NumberFormatException e) {
                throw new Invalid("chunk header " + header + " has no hexadecimal size", false);
            }
            if (size < 0 || pos + size > body.length) {
                throw new Invalid("chunk of " + size + " bytes runs past the body", false);
            }
            byte[] chunk = Arrays.copyOfRange(body, pos, pos + size);
            pos += size;
            if (mode.signedChunks) {
                String prefix = ";chunk-signature=";
                if (semicolon < 0 || !header.startsWith(prefix, semicolon)) {
                    throw new Invalid("chunk without chunk-signature: " + header, true);
                }
                String signature = header.substring(semicolon + prefix.length()).trim();
                String stringToSign = String.join("\n", "AWS4-HMAC-SHA256-PAYLOAD", amzDate, scope, previous,
                        SigV4Verifier.EMPTY_SHA256, SigV4Verifier.hex(SigV4Verifier.sha256(chunk)));
                String expected = SigV4Verifier.hex(SigV4Verifier.hmac(key, stringToSign));
                if (!SigV4Verifier.same(expected, signature)) {
                    throw new Invalid("chunk signature " + signature + " of a " + size + "-byte chunk does not verify",
                            true);
                }
                previous = signature;
            }
            if (size == 0) {
                break;
            }
            data.writeBytes(chunk);
            if (!line().isEmpty()) {
                throw new Invalid("chunk data of " + size + " bytes is not followed by CRLF", false);
            }
        }
        Map<String, String> trailers = new LinkedHashMap<>();
        String trailerSignature = null;
        StringBuilder canonicalTrailers = new StringBuilder();
        for (String line = line(); !line.isEmpty(); line = pos < body.length ? line() : "") {
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new Invalid("trailing header without a colon: " + line, false);
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("x-amz-trailer-signature")) {
                trailerSignature = value;
            } else {
                trailers.put(name, value);
                canonicalTrailers.append(name).append(':').append(value).append('\n');
            }
        }
        if (mode.trailer && mode.signedChunks) {
            if (trailerSignature == null) {
                throw new Invalid("the trailer has no x-amz-trailer-signature", true);
            }
            String stringToSign = String.join("\n", "AWS4-HMAC-SHA256-TRAILER", amzDate, scope, previous,
                    SigV4Verifier.hex(SigV4Verifier.sha256(canonicalTrailers.toString()
                            .getBytes(StandardCharsets.UTF_8))));
            if (!SigV4Verifier.same(SigV4Verifier.hex(SigV4Verifier.hmac(key, stringToSign)), trailerSignature)) {
                throw new Invalid("trailer signature " + trailerSignature + " does not verify", true);
            }
        }
        if (!mode.trailer && !trailers.isEmpty()) {
            throw new Invalid("trailing headers " + trailers.keySet() + " in a body that announced none", false);
        }
        return new Decoded(data.toByteArray(), trailers);
    }

    /** The bytes up to the next CRLF, as text, consuming the CRLF. */
    private String line() throws Invalid {
        for (int i = pos; i + 1 < body.length; i++) {
            if (body[i] == '\r' && body[i + 1] == '\n') {
                String line = new String(body, pos, i - pos, StandardCharsets.UTF_8);
                pos = i + 2;
                return line;
            }
        }
        throw new Invalid("the chunked body ends without CRLF", false);
    }
}
