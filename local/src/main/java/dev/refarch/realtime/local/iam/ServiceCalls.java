package dev.refarch.realtime.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a request to a local AWS endpoint asks IAM for: the actions, the resources by ARN, and the
 * context keys, per service (the credential scope's), as each service's "Actions, resources, and
 * condition keys" page in the Service Authorization Reference lists them
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 * A request the mapping does not know is {@link Mapping#unmapped() unmapped}, and the gateway
 * refuses it: nothing passes unauthorized because the mapping missed it.
 *
 * <p>Every call carries {@code aws:SecureTransport = true}: on AWS the SDKs speak HTTPS, so the
 * templates' {@code Deny ... Bool aws:SecureTransport false} statements do not apply to them, and
 * the local run's plain HTTP stands in for that HTTPS.
 */
public final class ServiceCalls {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QUEUE_PATH = Pattern.compile("/(\\d{12})/([^/?]+)/?");
    private static final Pattern LAMBDA_INVOKE = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");
    private static final Pattern DELETE_KEY = Pattern.compile("<Key>(.*?)</Key>", Pattern.DOTALL);
    /** S3 query parameters that refine a request but do not change its action. */
    private static final Set<String> S3_PLAIN_PARAMETERS = Set.of("list-type", "prefix", "delimiter", "max-keys",
            "continuation-token", "start-after", "encoding-type", "fetch-owner", "x-id", "versionId", "partNumber",
            "uploadId", "key-marker", "version-id-marker", "upload-id-marker", "max-uploads", "max-parts",
            "part-number-marker", "marker", "optional-object-attributes");

    /**
     * One authorization IAM makes for a request.
     *
     * @param action         {@code dynamodb:PutItem}
     * @param resource       the resource's ARN ({@code *} for actions without one)
     * @param policyResource the ARN of the resource whose own policy applies (an object's bucket;
     *                       a key; the resource itself); empty when none can
     * @param context        the request's condition keys
     * @param label          what the call is for, where a request makes several: a GraphQL field's
     *                       result key, {@code kms} for the key behind a secret; empty otherwise
     * @param multivalued    the request's multivalued condition keys ({@code dynamodb:LeadingKeys}): each key the
     *                       action supports, with its values (none: an empty list); {@code null} for a key
     *                       the action supports but the gateway could not read from this request
     */
    public record Call(String action, String resource, String policyResource, Map<String, String> context,
                       String label, Map<String, List<String>> multivalued) {

        /** A call without multivalued condition keys. */
        public Call(String action, String resource, String policyResource, Map<String, String> context,
                    String label) {
            this(action, resource, policyResource, context, label, Map.of());
        }
    }

    /** The DynamoDB condition key naming the partition key values a request touches. */
    public static final String LEADING_KEYS = "dynamodb:LeadingKeys";

    /**
     * The calls of a request, or why it has none.
     *
     * @param calls    the authorizations it needs, all of which must pass (for AppSync: one per field)
     * @param unmapped why the request cannot be mapped, when it cannot
     */
    public record Mapping(List<Call> calls, Optional<String> unmapped) {

        static Mapping of(List<Call> calls) {
            return new Mapping(List.copyOf(calls), Optional.empty());
        }

        static Mapping unmappable(String why) {
            return new Mapping(List.of(), Optional.of(why));
        }
    }

    private final String region;
    private final String account;
    private final Map<String, String> partitionKeys;

    public ServiceCalls(String region, String account) {
        this(region, account, Map.of());
    }

    /**
     * @param partitionKeys each table's partition key attribute, by table name: what
     *                      {@code dynamodb:LeadingKeys} reads from a request's keys (a table missing here leaves
     *                      the key unread, so a condition on it fails closed)
     */
    public ServiceCalls(String region, String account, Map<String, String> partitionKeys) {
        this.region = region;
        this.account = account;
        this.partitionKeys = Map.copyOf(partitionKeys);
    }

    /** The calls of {@code request} to {@code service}; the model gives secrets' KMS keys and the AppSync API id. */
    public Mapping map(String service, AwsRequest request, PolicyModel model) {
        try {
            return switch (service) {
                case "dynamodb" -> dynamo(request);
                case "sqs" -> sqs(request);
                case "s3" -> s3(request);
                case "secretsmanager" -> secrets(request, model);
                case "appsync" -> appSync(request, model);
                case "lambda" -> lambda(request);
                default -> Mapping.unmappable("the local IAM gateway serves no service " + service);
            };
        } catch (IOException | IllegalArgumentException e) {
            return Mapping.unmappable("cannot read the " + service + " request: " + e.getMessage());
        }
    }

    /**
     * The service a request is for when its signature does not say (no or a malformed
     * {@code Authorization} header): from its {@code X-Amz-Target}, its path, else S3.
     */
    public static String serviceOf(AwsRequest request) {
        String target = request.header("x-amz-target").orElse("");
        if (target.startsWith("DynamoDB")) {
            return "dynamodb";
        }
        if (target.startsWith("AmazonSQS") || request.bodyText().startsWith("Action=")
                || request.rawQuery().startsWith("Action=")) {
            return "sqs";
        }
        if (target.startsWith("secretsmanager.")) {
            return "secretsmanager";
        }
        if (request.rawPath().equals("/graphql")) {
            return "appsync";
        }
        if (request.rawPath().startsWith("/2015-03-31/functions/")) {
            return "lambda";
        }
        return "s3";
    }

    // --- DynamoDB and DynamoDB Streams (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html)

    private Mapping dynamo(AwsRequest request) throws IOException {
        String target = request.header("x-amz-target").orElse("");
        int dot = target.indexOf('.');
        if (dot < 0 || !(target.startsWith("DynamoDB_") || target.startsWith("DynamoDBStreams_"))) {
            return Mapping.unmappable("X-Amz-Target " + target + " is not a DynamoDB operation");
        }
        String op = target.substring(dot + 1);
        JsonNode body = json(request);
        List<Call> calls = new ArrayList<>();
        if (target.startsWith("DynamoDBStreams_")) {
            String stream = switch (op) {
                case "DescribeStream", "GetShardIterator" -> body.path("StreamArn").asText("");
                // A shard iterator begins with its stream's ARN, up to the first '|' (DynamoDB and DynamoDB Local).
                case "GetRecords" -> body.path("ShardIterator").asText("").split("\\|", 2)[0];
                case "ListStreams" -> "*";
                default -> null;
            };
            if (stream == null || stream.isEmpty()) {
                return Mapping.unmappable("DynamoDB Streams " + op + " is not mapped locally");
            }
            calls.add(call("dynamodb:" + op, localRegion(stream)));
            return Mapping.of(calls);
        }
        switch (op) {
            // Each table of a batch is authorized on its own
            // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/api-permissions-reference.html).
            case "BatchGetItem", "BatchWriteItem" -> body.path("RequestItems").properties().forEach(entry -> {
                List<JsonNode> keys = new ArrayList<>();
                if (op.equals("BatchGetItem")) {
                    entry.getValue().path("Keys").forEach(keys::add);
                } else {
                    for (JsonNode write : entry.getValue()) {
                        keys.add(write.has("PutRequest") ? write.path("PutRequest").path("Item")
                                : write.path("DeleteRequest").path("Key"));
                    }
                }
                calls.add(keyed("dynamodb:" + op, entry.getKey(), keys));
            });
            // A transaction needs the permission of each of its operations on its table
            // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
            case "TransactWriteItems", "TransactGetItems" -> {
                for (JsonNode item : body.path("TransactItems")) {
                    Map.Entry<String, JsonNode> entry = item.properties().iterator().next();
                    String action = switch (entry.getKey()) {
                        case "ConditionCheck" -> "ConditionCheckItem";
                        case "Put" -> "PutItem";
                        case "Update" -> "UpdateItem";
                        case "Delete" -> "DeleteItem";
                        case "Get" -> "GetItem";
                        default -> throw new IllegalArgumentException("transaction item " + entry.getKey());
                    };
                    JsonNode operation = entry.getValue();
                    calls.add(keyed("dynamodb:" + action, operation.path("TableName").asText(),
                            List.of(operation.has("Item") ? operation.path("Item") : operation.path("Key"))));
                }
            }
            case "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction" -> {
                return Mapping.unmappable("PartiQL (" + op + ") is not mapped locally");
            }
            case "GetItem", "DeleteItem", "UpdateItem", "PutItem" -> calls.add(keyed("dynamodb:" + op,
                    body.path("TableName").asText(""), List.of(op.equals("PutItem") ? body.path("Item") : body.path("Key"))));
            default -> {
                String table = body.path("TableName").asText("");
                String resource = !table.isEmpty() ? tableArn(table) : body.path("ResourceArn").asText("*");
                String index = body.path("IndexName").asText("");
                Call call = call("dynamodb:" + op, index.isEmpty() ? resource : resource + "/index/" + index);
                if (op.equals("Query")) {
                    call = withLeadingKeys(call, queryLeadingKey(body, table));
                }
                calls.add(call);
            }
        }
        if (calls.isEmpty()) {
            return Mapping.unmappable("DynamoDB " + op + " names no table");
        }
        return Mapping.of(calls);
    }

    /**
     * A call on {@code table} for items with these keys (or whole items: their key attributes are among their
     * attributes), with {@code dynamodb:LeadingKeys}: the partition key value of each, as a string (S and N as
     * written, B as its base64), in the Service Authorization Reference's list of the actions that take it.
     */
    private Call keyed(String action, String table, List<JsonNode> keys) {
        String name = tableName(table);
        String partitionKey = partitionKeys.get(name);
        List<String> values = null;
        if (partitionKey != null) {
            values = new ArrayList<>();
            for (JsonNode key : keys) {
                JsonNode value = key.path(partitionKey);
                String text = scalar(value);
                if (text == null) {
                    values = null;
                    break;
                }
                values.add(text);
            }
        }
        return withLeadingKeys(call(action, tableArn(table)), values);
    }

    private static Call withLeadingKeys(Call call, List<String> values) {
        Map<String, List<String>> multivalued = new java.util.HashMap<>();
        multivalued.put(LEADING_KEYS, values == null ? null : List.copyOf(values));
        return new Call(call.action(), call.resource(), call.policyResource(), call.context(), call.label(),
                java.util.Collections.unmodifiableMap(multivalued));
    }

    /** An attribute value's text, when it is a string, number or binary; null otherwise (or missing). */
    private static String scalar(JsonNode value) {
        if (value.has("S")) {
            return value.path("S").asText();
        }
        if (value.has("N")) {
            return value.path("N").asText();
        }
        if (value.has("B")) {
            return value.path("B").asText();
        }
        return null;
    }

    private static final Pattern EQUALITY = Pattern.compile("(#?[A-Za-z0-9_.]+)\\s*=\\s*(:[A-Za-z0-9_]+)");

    /**
     * A Query's partition key value: the one equality on the partition key its key condition must have, from
     * {@code KeyConditionExpression} (names through {@code ExpressionAttributeNames}) or the legacy
     * {@code KeyConditions}; null (unread) when neither gives it.
     */
    private List<String> queryLeadingKey(JsonNode body, String table) {
        String partitionKey = partitionKeys.get(tableName(table));
        if (partitionKey == null) {
            return null;
        }
        if (body.has("KeyConditionExpression")) {
            Matcher m = EQUALITY.matcher(body.path("KeyConditionExpression").asText());
            while (m.find()) {
                String name = m.group(1).startsWith("#")
                        ? body.path("ExpressionAttributeNames").path(m.group(1)).asText("") : m.group(1);
                if (name.equals(partitionKey)) {
                    String value = scalar(body.path("ExpressionAttributeValues").path(m.group(2)));
                    return value == null ? null : List.of(value);
                }
            }
            return null;
        }
        JsonNode legacy = body.path("KeyConditions").path(partitionKey).path("AttributeValueList");
        String value = legacy.isArray() && legacy.size() == 1 ? scalar(legacy.get(0)) : null;
        return value == null ? null : List.of(value);
    }

    /** A table's name, from its name or its ARN. */
    private static String tableName(String table) {
        int slash = table.indexOf(":table/");
        return slash < 0 ? table : table.substring(slash + 7).split("/", 2)[0];
    }

    private String tableArn(String table) {
        return table.startsWith("arn:") ? table : "arn:aws:dynamodb:" + region + ":" + account + ":table/" + table;
    }

    /** DynamoDB Local names its own region ({@code ddblocal}) in the stream ARNs it makes; the run's region stands in. */
    private String localRegion(String arn) {
        return arn.startsWith("arn:aws:dynamodb:ddblocal:") ? arn.replace(":ddblocal:", ":" + region + ":") : arn;
    }

    // --- SQS, JSON and query protocols (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html)

    private Mapping sqs(AwsRequest request) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        String target = request.header("x-amz-target").orElse("");
        String op;
        if (target.startsWith("AmazonSQS.")) {
            op = target.substring("AmazonSQS.".length());
            json(request).properties().forEach(e -> {
                if (e.getValue().isValueNode()) {
                    params.put(e.getKey(), e.getValue().asText());
                }
            });
        } else {
            form(request.rawQuery(), params);
            if (request.header("content-type").orElse("").startsWith("application/x-www-form-urlencoded")) {
                form(request.bodyText(), params);
            }
            op = params.getOrDefault("Action", "");
            if (op.isEmpty()) {
                return Mapping.unmappable("an SQS request with neither X-Amz-Target nor Action");
            }
        }
        // A batch is authorized as the single action (sqs:SendMessage for SendMessageBatch).
        String action = "sqs:" + (op.endsWith("Batch") ? op.substring(0, op.length() - "Batch".length()) : op);
        String queue;
        if (params.containsKey("QueueUrl")) {
            queue = queueArn(URI.create(params.get("QueueUrl")).getPath());
        } else if (params.containsKey("QueueName")) {
            queue = "arn:aws:sqs:" + region + ":" + params.getOrDefault("QueueOwnerAWSAccountId", account) + ":"
                    + params.get("QueueName");
        } else if (QUEUE_PATH.matcher(request.rawPath()).matches()) {
            queue = queueArn(request.rawPath());
        } else {
            queue = "*";
        }
        return Mapping.of(List.of(call(action, queue)));
    }

    /** {@code /000000000000/name} (a queue URL's path) to the queue's ARN. */
    private String queueArn(String path) {
        Matcher m = QUEUE_PATH.matcher(path);
        if (!m.matches()) {
            throw new IllegalArgumentException("queue URL path " + path + " is not /<account>/<queue>");
        }
        return "arn:aws:sqs:" + region + ":" + m.group(1) + ":" + m.group(2);
    }

    private static void form(String text, Map<String, String> into) {
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                into.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
    }

    // --- S3, path-style REST (https://docs.aws.amazon.com/AmazonS3/latest/API/using-with-s3-policy-actions.html)

    private Mapping s3(AwsRequest request) {
        String path = request.rawPath();
        int slash = path.indexOf('/', 1);
        String bucket = SigV4Verifier.percentDecode(slash < 0 ? path.substring(1) : path.substring(1, slash));
        String key = slash < 0 ? "" : SigV4Verifier.percentDecode(path.substring(slash + 1));
        Set<String> query = new LinkedHashSet<>();
        for (String pair : request.rawQuery().split("&")) {
            if (!pair.isEmpty()) {
                query.add(SigV4Verifier.percentDecode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair));
            }
        }
        String method = request.method();
        if (bucket.isEmpty()) {
            return method.equals("GET") ? Mapping.of(List.of(new Call("s3:ListAllMyBuckets", "*", "", context(), "")))
                    : Mapping.unmappable("S3 " + method + " / is not mapped locally");
        }
        List<String> subresources = query.stream().filter(q -> !S3_PLAIN_PARAMETERS.contains(q)
                && !q.startsWith("response-")).toList();
        if (subresources.size() > 1) {
            return Mapping.unmappable("S3 request with subresources " + subresources + " is not mapped locally");
        }
        String sub = subresources.isEmpty() ? "" : subresources.get(0);
        String bucketArn = "arn:aws:s3:::" + bucket;
        if (key.isEmpty()) {
            if (method.equals("POST") && sub.equals("delete")) {
                // DeleteObjects: s3:DeleteObject on each key it names.
                List<Call> calls = new ArrayList<>();
                Matcher m = DELETE_KEY.matcher(request.bodyText());
                while (m.find()) {
                    calls.add(new Call("s3:DeleteObject", bucketArn + "/" + xmlText(m.group(1)), bucketArn, context(),
                            ""));
                }
                return calls.isEmpty() ? Mapping.unmappable("DeleteObjects names no key") : Mapping.of(calls);
            }
            String action = bucketAction(method, sub);
            return action == null ? Mapping.unmappable("S3 " + method + " on a bucket" + (sub.isEmpty() ? "" : " ?" + sub)
                    + " is not mapped locally")
                    : Mapping.of(List.of(new Call("s3:" + action, bucketArn, bucketArn, context(), "")));
        }
        String action = objectAction(method, sub, query.contains("versionId"));
        if (action == null) {
            return Mapping.unmappable("S3 " + method + " on an object" + (sub.isEmpty() ? "" : " ?" + sub)
                    + " is not mapped locally");
        }
        List<Call> calls = new ArrayList<>();
        calls.add(new Call("s3:" + action, bucketArn + "/" + key, bucketArn, context(), ""));
        Optional<String> copySource = request.header("x-amz-copy-source");
        if (copySource.isPresent() && method.equals("PUT")) {
            // CopyObject and UploadPartCopy also read the source object.
            String source = SigV4Verifier.percentDecode(copySource.get().split("\\?")[0]);
            source = source.startsWith("/") ? source.substring(1) : source;
            String sourceBucket = source.contains("/") ? source.substring(0, source.indexOf('/')) : source;
            calls.add(new Call("s3:GetObject", "arn:aws:s3:::" + source, "arn:aws:s3:::" + sourceBucket, context(),
                    ""));
        }
        return Mapping.of(calls);
    }

    private static String bucketAction(String method, String sub) {
        return switch (method + " " + sub) {
            case "GET ", "HEAD " -> "ListBucket";
            case "GET uploads" -> "ListBucketMultipartUploads";
            case "GET versions" -> "ListBucketVersions";
            case "GET location" -> "GetBucketLocation";
            case "GET policy" -> "GetBucketPolicy";
            case "GET policyStatus" -> "GetBucketPolicyStatus";
            case "GET acl" -> "GetBucketAcl";
            case "GET tagging" -> "GetBucketTagging";
            case "GET versioning" -> "GetBucketVersioning";
            case "GET notification" -> "GetBucketNotification";
            case "GET lifecycle" -> "GetLifecycleConfiguration";
            case "GET cors" -> "GetBucketCORS";
            case "GET encryption" -> "GetEncryptionConfiguration";
            case "GET publicAccessBlock" -> "GetBucketPublicAccessBlock";
            case "GET ownershipControls" -> "GetBucketOwnershipControls";
            case "GET object-lock" -> "GetBucketObjectLockConfiguration";
            case "PUT " -> "CreateBucket";
            case "PUT policy" -> "PutBucketPolicy";
            case "PUT acl" -> "PutBucketAcl";
            case "PUT tagging", "DELETE tagging" -> "PutBucketTagging";
            case "PUT versioning" -> "PutBucketVersioning";
            case "PUT notification" -> "PutBucketNotification";
            case "PUT lifecycle", "DELETE lifecycle" -> "PutLifecycleConfiguration";
            case "PUT cors", "DELETE cors" -> "PutBucketCORS";
            case "PUT encryption", "DELETE encryption" -> "PutEncryptionConfiguration";
            case "PUT publicAccessBlock", "DELETE publicAccessBlock" -> "PutBucketPublicAccessBlock";
            case "PUT ownershipControls", "DELETE ownershipControls" -> "PutBucketOwnershipControls";
            case "DELETE " -> "DeleteBucket";
            case "DELETE policy" -> "DeleteBucketPolicy";
            default -> null;
        };
    }

    private static String objectAction(String method, String sub, boolean version) {
        return switch (method + " " + sub) {
            case "GET ", "HEAD " -> version ? "GetObjectVersion" : "GetObject";
            case "GET tagging" -> version ? "GetObjectVersionTagging" : "GetObjectTagging";
            case "GET acl" -> version ? "GetObjectVersionAcl" : "GetObjectAcl";
            case "GET attributes" -> version ? "GetObjectVersionAttributes" : "GetObjectAttributes";
            case "GET retention" -> "GetObjectRetention";
            case "GET legal-hold" -> "GetObjectLegalHold";
            case "PUT ", "POST uploads" -> "PutObject";
            case "PUT tagging" -> version ? "PutObjectVersionTagging" : "PutObjectTagging";
            case "PUT acl" -> version ? "PutObjectVersionAcl" : "PutObjectAcl";
            case "PUT retention" -> "PutObjectRetention";
            case "PUT legal-hold" -> "PutObjectLegalHold";
            case "POST restore" -> "RestoreObject";
            case "DELETE " -> version ? "DeleteObjectVersion" : "DeleteObject";
            case "DELETE tagging" -> version ? "DeleteObjectVersionTagging" : "DeleteObjectTagging";
            default -> null;
        };
    }

    private static String xmlText(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }

    // --- Secrets Manager (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html)

    private Mapping secrets(AwsRequest request, PolicyModel model) throws IOException {
        String target = request.header("x-amz-target").orElse("");
        if (!target.startsWith("secretsmanager.")) {
            return Mapping.unmappable("X-Amz-Target " + target + " is not a Secrets Manager operation");
        }
        String op = target.substring("secretsmanager.".length());
        JsonNode body = json(request);
        List<Call> calls = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        if (op.equals("BatchGetSecretValue")) {
            if (body.has("Filters")) {
                return Mapping.unmappable("BatchGetSecretValue with Filters is not mapped locally");
            }
            calls.add(call("secretsmanager:BatchGetSecretValue", "*"));
            body.path("SecretIdList").forEach(id -> secrets.add(secretArn(id.asText())));
            secrets.forEach(arn -> calls.add(call("secretsmanager:GetSecretValue", arn)));
        } else {
            String id = body.path("SecretId").asText(body.path("Name").asText(""));
            String arn = id.isEmpty() ? "*" : secretArn(id);
            calls.add(call("secretsmanager:" + op, arn));
            if (op.equals("GetSecretValue")) {
                secrets.add(arn);
            }
        }
        // Reading a secret under a customer managed key also needs kms:Decrypt on that key, via
        // Secrets Manager (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz).
        for (String secret : secrets) {
            model.kmsKeyOf(secret).ifPresent(key -> {
                Map<String, String> context = new LinkedHashMap<>(context());
                context.put("kms:ViaService", "secretsmanager." + region + ".amazonaws.com");
                context.put("kms:CallerAccount", account);
                calls.add(new Call("kms:Decrypt", key, key, Map.copyOf(context), "kms"));
            });
        }
        return Mapping.of(calls);
    }

    /** A secret's ARN from its name or ARN (local secrets have no random suffix). */
    private String secretArn(String id) {
        return id.startsWith("arn:") ? id : "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + id;
    }

    // --- AppSync (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#aws-iam-authorization)

    private Mapping appSync(AwsRequest request, PolicyModel model) throws IOException {
        if (!request.method().equals("POST") || !request.rawPath().equals("/graphql")) {
            return Mapping.unmappable("only POST /graphql is mapped for AppSync, not " + request.method() + " "
                    + request.rawPath());
        }
        Optional<String> apiId = model.appSyncApiId();
        if (apiId.isEmpty()) {
            return Mapping.unmappable("the policy binding gives no AppSync API id (<key>.ApiId)");
        }
        JsonNode body = json(request);
        GraphqlOperation operation = GraphqlOperation.parse(body.path("query").asText(""),
                body.path("operationName").isTextual() ? body.path("operationName").asText() : null);
        List<Call> calls = new ArrayList<>();
        for (GraphqlOperation.TopLevelField field : operation.fields()) {
            String arn = "arn:aws:appsync:" + region + ":" + account + ":apis/" + apiId.get() + "/types/"
                    + field.type() + "/fields/" + field.name();
            calls.add(new Call("appsync:GraphQL", arn, "", context(), field.resultKey()));
        }
        return Mapping.of(calls);
    }

    // --- Lambda (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html)

    /**
     * {@code Invoke}: {@code lambda:InvokeFunction} on the ARN the call names, qualified as it is named
     * (an alias's ARN for {@code name:live} or {@code ?Qualifier=live}), since Lambda authorizes the ARN
     * invoked: a grant on the unqualified ARN does not let a caller invoke an alias
     * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html).
     */
    private Mapping lambda(AwsRequest request) {
        Matcher m = LAMBDA_INVOKE.matcher(request.rawPath());
        if (!request.method().equals("POST") || !m.matches()) {
            return Mapping.unmappable("only Lambda's Invoke (POST /2015-03-31/functions/<name>/invocations) is mapped"
                    + " locally, not " + request.method() + " " + request.rawPath());
        }
        String named = SigV4Verifier.percentDecode(m.group(1));
        int marker = named.indexOf("function:");
        String function = marker < 0 ? named : named.substring(marker + "function:".length());
        Map<String, String> params = new LinkedHashMap<>();
        form(request.rawQuery(), params);
        int colon = function.indexOf(':');
        String name = colon < 0 ? function : function.substring(0, colon);
        String qualifier = colon < 0 ? params.get("Qualifier") : function.substring(colon + 1);
        if (name.isEmpty()) {
            return Mapping.unmappable("a Lambda Invoke that names no function");
        }
        return Mapping.of(List.of(call("lambda:InvokeFunction", "arn:aws:lambda:" + region + ":" + account
                + ":function:" + name + (qualifier == null || qualifier.isEmpty() ? "" : ":" + qualifier))));
    }

    // --- common

    private Call call(String action, String resource) {
        return new Call(action, resource, resource, context(), "");
    }

    private Map<String, String> context() {
        return Map.of("aws:SecureTransport", "true", "aws:RequestedRegion", region);
    }

    private static JsonNode json(AwsRequest request) throws IOException {
        if (request.body().length == 0) {
            return JSON.createObjectNode();
        }
        JsonNode node = JSON.readTree(request.body());
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
        return node;
    }
}
