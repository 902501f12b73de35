package dev.refarch.realtime.local.iam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The error each service answers when IAM refuses a request, in its own protocol, so the SDKs raise
 * the exception and error code they raise on AWS:
 * <ul>
 *   <li>DynamoDB and DynamoDB Streams: HTTP 400, {@code application/x-amz-json-1.0},
 *       {@code {"__type":"com.amazon.coral.service#<Code>","Message":...}}
 *       (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html);</li>
 *   <li>Secrets Manager: HTTP 400, {@code application/x-amz-json-1.1}, {@code {"__type":"<Code>",...}}; a
 *       secret whose KMS key the caller may not use: {@code AccessDeniedException: Access to KMS is not allowed};</li>
 *   <li>SQS, JSON protocol: HTTP 403 (400 for a malformed signature), {@code __type} and the
 *       {@code x-amzn-query-error: <query code>;Sender} header the SDK reads the code from
 *       (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html);
 *       query protocol: the {@code <ErrorResponse>} XML;</li>
 *   <li>S3: HTTP 403 {@code <Error>} XML ({@code AccessDenied}, {@code InvalidAccessKeyId},
 *       {@code SignatureDoesNotMatch}, {@code RequestTimeTooSkewed}), 400 for
 *       {@code XAmzContentSHA256Mismatch} and a malformed header; no body for HEAD
 *       (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html);</li>
 *   <li>Lambda: HTTP 403 {@code {"Type":"User","Message":...}} with {@code x-amzn-ErrorType}
 *       ({@code AccessDeniedException}, {@code UnrecognizedClientException}, {@code InvalidSignatureException})
 *       (https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html);</li>
 *   <li>AppSync: {@code {"errors":[{"errorType":...,"message":...}]}}, HTTP 403 for a bad signature,
 *       401 {@code UnauthorizedException} without one; a refused field is answered in the GraphQL
 *       response instead ({@link #appSyncFieldError}).</li>
 * </ul>
 * Access denials are worded as IAM words them: {@code User: <session ARN> is not authorized to
 * perform: <action> on resource: <ARN> because no identity-based policy allows the <action> action}
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html; S3 quotes the
 * ARN, https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html; SQS writes
 * the action in lower case).
 */
public final class ServiceErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIGNATURE_MESSAGE = "The request signature we calculated does not match the "
            + "signature you provided. Check your AWS Secret Access Key and signing method. Consult the service "
            + "documentation for details.";
    private static final String TOKEN_MESSAGE = "The security token included in the request is invalid.";

    /**
     * An HTTP answer.
     *
     * @param status  the status code
     * @param code    the error code the SDKs read from it ({@code AccessDeniedException}, {@code AccessDenied}, ...)
     * @param headers headers to send
     * @param body    the body (empty for a HEAD)
     */
    public record Response(int status, String code, Map<String, String> headers, byte[] body) {
    }

    private ServiceErrors() {
    }

    /** The refusal of {@code call} by IAM, for the request it came from. */
    public static Response accessDenied(String service, AwsRequest request, String principalArn,
                                        ServiceCalls.Call call, String because) {
        String action = service.equals("sqs") ? call.action().toLowerCase(Locale.ROOT) : call.action();
        String resource = service.equals("s3") ? "\"" + call.resource() + "\"" : call.resource();
        String because2 = service.equals("sqs") ? because.replace(call.action(), action) : because;
        String message = "User: " + principalArn + " is not authorized to perform: " + action + " on resource: "
                + resource + " " + because2;
        return accessDenied(service, request, message);
    }

    /** A request the gateway cannot map to IAM actions: refused as access denied, saying why. */
    public static Response notMapped(String service, AwsRequest request, String principalArn, String why) {
        if (service.equals("appsync")) {
            return appSync(400, "BadRequestException", why);
        }
        return accessDenied(service, request, "User: " + principalArn + " is not authorized: the local IAM gateway "
                + "does not map this request to IAM actions (" + why + ")");
    }

    /** Secrets Manager's answer when the caller may read the secret but not decrypt it with its KMS key. */
    public static Response kmsAccessDenied() {
        return json(400, "application/x-amz-json-1.1", "AccessDeniedException", "Access to KMS is not allowed",
                Map.of());
    }

    private static Response accessDenied(String service, AwsRequest request, String message) {
        return switch (service) {
            case "dynamodb" -> coral(400, "AccessDeniedException", message);
            case "secretsmanager" -> json(400, "application/x-amz-json-1.1", "AccessDeniedException", message,
                    Map.of());
            case "sqs" -> sqs(request, 403, "AccessDeniedException", "AccessDenied", message);
            case "appsync" -> appSync(401, "UnauthorizedException", message);
            case "lambda" -> lambda(403, "AccessDeniedException", message);
            default -> s3(request, 403, "AccessDenied", message, Map.of());
        };
    }

    /** The answer to a request whose signature is refused. */
    public static Response signature(String service, AwsRequest request, SigV4Verifier.Refused refused) {
        String expired = expiredMessage(refused);
        return switch (service) {
            case "dynamodb", "secretsmanager" -> {
                String contentType = service.equals("dynamodb") ? "application/x-amz-json-1.0"
                        : "application/x-amz-json-1.1";
                String prefix = service.equals("dynamodb") ? "com.amazon.coral.service#" : "";
                yield switch (refused.problem()) {
                    case UNKNOWN_ACCESS_KEY -> json(400, contentType, prefix + "UnrecognizedClientException",
                            TOKEN_MESSAGE, Map.of());
                    case SIGNATURE_MISMATCH, CONTENT_SHA256_MISMATCH -> json(400, contentType,
                            prefix + "InvalidSignatureException", SIGNATURE_MESSAGE, Map.of());
                    case EXPIRED -> json(400, contentType, prefix + "InvalidSignatureException", expired, Map.of());
                    case MISSING_AUTHENTICATION -> json(400, contentType, prefix + "MissingAuthenticationTokenException",
                            "Request is missing Authentication Token", Map.of());
                    case MALFORMED -> json(400, contentType, prefix + "IncompleteSignatureException",
                            refused.detail(), Map.of());
                };
            }
            case "sqs" -> switch (refused.problem()) {
                case UNKNOWN_ACCESS_KEY -> sqs(request, 403, "UnrecognizedClientException", "InvalidClientTokenId",
                        TOKEN_MESSAGE);
                case SIGNATURE_MISMATCH, CONTENT_SHA256_MISMATCH -> sqs(request, 403, "InvalidSignatureException",
                        "SignatureDoesNotMatch", SIGNATURE_MESSAGE);
                case EXPIRED -> sqs(request, 403, "InvalidSignatureException", "SignatureDoesNotMatch", expired);
                case MISSING_AUTHENTICATION -> sqs(request, 403, "MissingAuthenticationTokenException",
                        "MissingAuthenticationToken", "Request is missing Authentication Token");
                case MALFORMED -> sqs(request, 400, "IncompleteSignatureException", "IncompleteSignature",
                        refused.detail());
            };
            case "lambda" -> switch (refused.problem()) {
                case UNKNOWN_ACCESS_KEY -> lambda(403, "UnrecognizedClientException", TOKEN_MESSAGE);
                case SIGNATURE_MISMATCH, CONTENT_SHA256_MISMATCH -> lambda(403, "InvalidSignatureException",
                        SIGNATURE_MESSAGE);
                case EXPIRED -> lambda(403, "InvalidSignatureException", expired);
                case MISSING_AUTHENTICATION -> lambda(403, "MissingAuthenticationTokenException",
                        "Missing Authentication Token");
                case MALFORMED -> lambda(400, "IncompleteSignatureException", refused.detail());
            };
            case "appsync" -> switch (refused.problem()) {
                case UNKNOWN_ACCESS_KEY -> appSync(403, "UnrecognizedClientException", TOKEN_MESSAGE);
                case SIGNATURE_MISMATCH, CONTENT_SHA256_MISMATCH -> appSync(403, "InvalidSignatureException",
                        SIGNATURE_MESSAGE);
                case EXPIRED -> appSync(403, "InvalidSignatureException", expired);
                case MISSING_AUTHENTICATION -> appSync(401, "UnauthorizedException",
                        "You are not authorized to make this call.");
                case MALFORMED -> appSync(403, "IncompleteSignatureException", refused.detail());
            };
            default -> switch (refused.problem()) {
                case UNKNOWN_ACCESS_KEY -> s3(request, 403, "InvalidAccessKeyId",
                        "The AWS Access Key Id you provided does not exist in our records.",
                        Map.of("AWSAccessKeyId", refused.accessKeyId().orElse("")));
                case SIGNATURE_MISMATCH -> s3(request, 403, "SignatureDoesNotMatch", "The request signature we "
                        + "calculated does not match the signature you provided. Check your key and signing method.",
                        Map.of());
                case CONTENT_SHA256_MISMATCH -> s3(request, 400, "XAmzContentSHA256Mismatch",
                        "The provided 'x-amz-content-sha256' header does not match what was computed.", Map.of());
                case EXPIRED -> {
                    Map<String, String> extra = new LinkedHashMap<>();
                    extra.put("RequestTime", refused.requestTime().map(Instant::toString).orElse(""));
                    extra.put("ServerTime", refused.serverTime().toString());
                    extra.put("MaxAllowedSkewMilliseconds", Long.toString(SigV4Verifier.S3_SKEW.toMillis()));
                    yield s3(request, 403, "RequestTimeTooSkewed",
                            "The difference between the request time and the current time is too large.", extra);
                }
                case MISSING_AUTHENTICATION -> s3(request, 403, "AccessDenied", "Access Denied", Map.of());
                case MALFORMED -> s3(request, 400, "AuthorizationHeaderMalformed",
                        "The authorization header is malformed; " + refused.detail(), Map.of());
            };
        };
    }

    /**
     * The GraphQL error AppSync gives for a field the caller may not use, next to a null value
     * under the field's key in {@code data}
     * (https://repost.aws/knowledge-center/aws-appsync-graphql-request-unauth-error).
     */
    public static ObjectNode appSyncFieldError(GraphqlOperation.TopLevelField field) {
        ObjectNode error = JSON.createObjectNode();
        error.putArray("path").add(field.resultKey());
        error.putNull("data");
        error.put("errorType", "Unauthorized");
        error.putNull("errorInfo");
        ObjectNode location = error.putArray("locations").addObject();
        location.put("line", field.line());
        location.put("column", field.column());
        location.putNull("sourceName");
        error.put("message", "Not Authorized to access " + field.name() + " on type " + field.type());
        return error;
    }

    /** DynamoDB's {@code Signature expired: <request> is now earlier than <limit> (<now> - 5 min.)}. */
    private static String expiredMessage(SigV4Verifier.Refused refused) {
        Instant request = refused.requestTime().orElse(refused.serverTime());
        Instant now = refused.serverTime();
        return request.isBefore(now)
                ? "Signature expired: " + SigV4Verifier.amzDate(request) + " is now earlier than "
                        + SigV4Verifier.amzDate(now.minus(SigV4Verifier.SKEW)) + " (" + SigV4Verifier.amzDate(now)
                        + " - 5 min.)"
                : "Signature not yet current: " + SigV4Verifier.amzDate(request) + " is still later than "
                        + SigV4Verifier.amzDate(now.plus(SigV4Verifier.SKEW)) + " (" + SigV4Verifier.amzDate(now)
                        + " + 5 min.)";
    }

    private static Response coral(int status, String code, String message) {
        return json(status, "application/x-amz-json-1.0", "com.amazon.coral.service#" + code, message, Map.of());
    }

    private static Response json(int status, String contentType, String type, String message,
                                 Map<String, String> headers) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put("Message", message);
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", contentType);
        all.put("x-amzn-RequestId", UUID.randomUUID().toString());
        return new Response(status, type.substring(type.indexOf('#') + 1), all,
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Response sqs(AwsRequest request, int status, String jsonType, String queryCode, String message) {
        if (request.header("x-amz-target").isPresent()) {
            Response json = json(status, "application/x-amz-json-1.0", "com.amazon.coral.service#" + jsonType, message,
                    Map.of("x-amzn-query-error", queryCode + ";Sender"));
            return new Response(json.status(), queryCode, json.headers(), json.body());
        }
        String requestId = UUID.randomUUID().toString();
        String xml = "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
                + "<Error><Type>Sender</Type><Code>" + queryCode + "</Code><Message>" + xml(message) + "</Message>"
                + "<Detail/></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
        return new Response(status, queryCode, Map.of("Content-Type", "text/xml", "x-amzn-RequestId", requestId),
                xml.getBytes(StandardCharsets.UTF_8));
    }

    private static Response s3(AwsRequest request, int status, String code, String message,
                               Map<String, String> extra) {
        String requestId = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
        Map<String, String> headers = Map.of("Content-Type", "application/xml", "x-amz-request-id", requestId);
        if (request.method().equals("HEAD")) {
            return new Response(status, code, headers, new byte[0]);
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>")
                .append(code).append("</Code><Message>").append(xml(message)).append("</Message>");
        extra.forEach((name, value) -> xml.append('<').append(name).append('>').append(xml(value))
                .append("</").append(name).append('>'));
        xml.append("<RequestId>").append(requestId).append("</RequestId><HostId>local</HostId></Error>");
        return new Response(status, code, headers, xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Response appSync(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putArray("errors").addObject();
        error.put("errorType", type);
        error.put("message", message);
        return new Response(status, type, Map.of("Content-Type", "application/json", "x-amzn-ErrorType", type,
                "x-amzn-RequestId", UUID.randomUUID().toString()), body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Response lambda(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("Type", "User");
        body.put("Message", message);
        return new Response(status, type, Map.of("Content-Type", "application/json", "x-amzn-ErrorType", type,
                "x-amzn-RequestId", UUID.randomUUID().toString()), body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
