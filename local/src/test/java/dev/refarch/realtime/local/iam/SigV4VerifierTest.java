package dev.refarch.realtime.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * The gateway's SigV4 check against requests the SDK's own signer signed: what verifies, and each
 * way a request is refused as AWS refuses it (another secret, an unknown key, a changed body or
 * chunk, a request signed 20 minutes ago).
 */
class SigV4VerifierTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final URI HOST = URI.create("http://127.0.0.1:4580");
    private static final LocalIdentity WRITER = new LocalIdentity("Writer", "function:test.Writer::handleRequest",
            "arn:aws:iam::000000000000:role/test-Writer", "AKIDLOCALWRITER", "writer-secret");
    private static final SigV4Verifier VERIFIER = new SigV4Verifier(
            key -> key.equals(WRITER.accessKeyId()) ? Optional.of(WRITER) : Optional.empty(), "us-east-1",
            Clock.fixed(NOW, ZoneOffset.UTC));
    private static final byte[] PUT_ITEM = "{\"TableName\":\"reviews\",\"Item\":{\"reaction\":{\"S\":\"LOVE\"}}}"
            .getBytes(StandardCharsets.UTF_8);

    private static AwsRequest dynamo(LocalIdentity who, Instant at) {
        return SignedRequests.sign(who, "dynamodb", "POST", HOST.resolve("/"),
                Map.of("X-Amz-Target", "DynamoDB_20120810.PutItem", "Content-Type", "application/x-amz-json-1.0"),
                PUT_ITEM, at, false);
    }

    private static SigV4Verifier.Problem problem(AwsRequest request) {
        return assertInstanceOf(SigV4Verifier.Refused.class, VERIFIER.verify(request)).problem();
    }

    @Test
    void aRequestSignedWithTheCallersSecretVerifiesAsThatCaller() {
        SigV4Verifier.Verified verified = assertInstanceOf(SigV4Verifier.Verified.class,
                VERIFIER.verify(dynamo(WRITER, NOW.minusSeconds(30))));
        assertEquals(WRITER, verified.identity());
        assertEquals("dynamodb", verified.service());
    }

    @Test
    void anotherSecretForTheSameAccessKeyDoesNotVerify() {
        LocalIdentity impostor = new LocalIdentity("Writer", WRITER.principalKey(), WRITER.roleArn(),
                WRITER.accessKeyId(), "guessed-secret");
        assertEquals(SigV4Verifier.Problem.SIGNATURE_MISMATCH, problem(dynamo(impostor, NOW)));
    }

    @Test
    void anAccessKeyNoIdentityHasIsUnknown() {
        LocalIdentity stranger = new LocalIdentity("Stranger", "function:x", WRITER.roleArn(), "AKIDLOCALRUN",
                "local-run-secret");
        SigV4Verifier.Refused refused = assertInstanceOf(SigV4Verifier.Refused.class,
                VERIFIER.verify(dynamo(stranger, NOW)));
        assertEquals(SigV4Verifier.Problem.UNKNOWN_ACCESS_KEY, refused.problem());
        assertEquals(Optional.of("AKIDLOCALRUN"), refused.accessKeyId());
    }

    @Test
    void aBodyChangedAfterSigningDoesNotVerify() {
        assertEquals(SigV4Verifier.Problem.SIGNATURE_MISMATCH, problem(SignedRequests.tampered(dynamo(WRITER, NOW), 40)));
    }

    @Test
    void aRequestSignedTwentyMinutesAgoHasExpiredAndS3AllowsFifteenMinutesNotFive() {
        SigV4Verifier.Refused refused = assertInstanceOf(SigV4Verifier.Refused.class,
                VERIFIER.verify(dynamo(WRITER, NOW.minus(Duration.ofMinutes(20)))));
        assertEquals(SigV4Verifier.Problem.EXPIRED, refused.problem());
        assertEquals(Optional.of(NOW.minus(Duration.ofMinutes(20))), refused.requestTime());
        assertEquals(SigV4Verifier.Problem.EXPIRED, problem(dynamo(WRITER, NOW.minus(Duration.ofMinutes(6)))));
        assertEquals(SigV4Verifier.Problem.EXPIRED, problem(dynamo(WRITER, NOW.plus(Duration.ofMinutes(6)))));
        assertInstanceOf(SigV4Verifier.Verified.class, VERIFIER.verify(s3Get(NOW.minus(Duration.ofMinutes(10)))));
        assertEquals(SigV4Verifier.Problem.EXPIRED, problem(s3Get(NOW.minus(Duration.ofMinutes(20)))));
    }

    private static AwsRequest s3Get(Instant at) {
        return SignedRequests.sign(WRITER, "s3", "GET", HOST.resolve("/bucket/in%20dir/a%2Bb.json?versionId=v%201&x-id=GetObject"),
                Map.of(), new byte[0], at, false);
    }

    @Test
    void s3SignsItsPathOnceAndOtherServicesTwiceAndBothSortTheQuery() {
        assertInstanceOf(SigV4Verifier.Verified.class, VERIFIER.verify(s3Get(NOW)));
        AwsRequest lambda = SignedRequests.sign(WRITER, "lambda", "GET",
                HOST.resolve("/2015-03-31/functions/my%20function/./configuration?Qualifier=%24LATEST&A=b"), Map.of(),
                new byte[0], NOW, false);
        assertInstanceOf(SigV4Verifier.Verified.class, VERIFIER.verify(lambda));
        assertEquals("/2015-03-31/functions/my%2520function/configuration",
                SigV4Verifier.canonicalUri("/2015-03-31/functions/my%20function/./configuration", false));
        assertEquals("/bucket/in%20dir/a%2Bb.json", SigV4Verifier.canonicalUri("/bucket/in%20dir/a%2Bb.json", true));
        assertEquals("A=b&Qualifier=%24LATEST&flag=", SigV4Verifier.canonicalQuery("Qualifier=%24LATEST&flag&A=b"));
    }

    @Test
    void aScopeForAnotherRegionOrWithoutTheHostSignedIsRefused() {
        AwsRequest request = dynamo(WRITER, NOW);
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        String authorization = headers.get("authorization").get(0);
        headers.put("authorization", List.of(authorization.replace("/us-east-1/", "/eu-west-1/")));
        assertEquals(SigV4Verifier.Problem.SIGNATURE_MISMATCH, problem(request.withBody(request.body(), headers)));
        headers.put("authorization", List.of(authorization.replace("host;", "")));
        assertEquals(SigV4Verifier.Problem.MALFORMED, problem(request.withBody(request.body(), headers)));
        headers.remove("authorization");
        assertEquals(SigV4Verifier.Problem.MISSING_AUTHENTICATION, problem(request.withBody(request.body(), headers)));
    }

    private static final byte[] OBJECT = "{\"records\":[1,2,3],\"reason\":\"poison\"}".repeat(50)
            .getBytes(StandardCharsets.UTF_8);

    private static AwsRequest chunkedPut() {
        return SignedRequests.sign(WRITER, "s3", "PUT", HOST.resolve("/bucket/batch.json"),
                Map.of("Content-Type", "application/json"), OBJECT, NOW, true);
    }

    @Test
    void aChunkedUploadVerifiesChunkByChunkAndIsForwardedDecodedWithItsChecksum() {
        AwsRequest sent = chunkedPut();
        assertEquals(List.of("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"), sent.headers().get("x-amz-content-sha256"));
        SigV4Verifier.Verified verified = assertInstanceOf(SigV4Verifier.Verified.class, VERIFIER.verify(sent));
        AwsRequest forwarded = verified.request();
        assertEquals(new String(OBJECT, StandardCharsets.UTF_8), forwarded.bodyText());
        assertEquals(Optional.empty(), forwarded.header("content-encoding"));
        assertEquals(Optional.empty(), forwarded.header("x-amz-decoded-content-length"));
        assertEquals(SigV4Verifier.hex(SigV4Verifier.sha256(OBJECT)), forwarded.header("x-amz-content-sha256").orElseThrow());
        CRC32 crc = new CRC32();
        crc.update(OBJECT);
        String expectedCrc = Base64.getEncoder().encodeToString(
                ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        assertEquals(Optional.of(expectedCrc), forwarded.header("x-amz-checksum-crc32"));
    }

    @Test
    void aChangedChunkOrTrailerDoesNotVerify() {
        AwsRequest sent = chunkedPut();
        String body = sent.bodyText();
        int data = body.indexOf("poison");
        assertEquals(SigV4Verifier.Problem.SIGNATURE_MISMATCH, problem(SignedRequests.tampered(sent, data)));
        int trailer = body.indexOf("x-amz-checksum-crc32:") + "x-amz-checksum-crc32:".length();
        assertEquals(SigV4Verifier.Problem.SIGNATURE_MISMATCH, problem(SignedRequests.tampered(sent, trailer)));
    }
}
