package dev.refarch.realtime.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Same-account IAM evaluation as the "Policy evaluation logic" pages describe it, on exports written
 * in the policy export's format: wildcards, NotAction/NotResource, conditions, explicit deny,
 * resource policies, KMS key policies, and failing closed on what the gateway cannot evaluate.
 */
class PolicyEvaluatorTest {

    private static final String PRINCIPAL = "function:test.Handler::handleRequest";
    private static final String ROLE_KEY = "api/Fn/ServiceRole/Resource";
    private static final LocalIdentity CALLER = new LocalIdentity("Handler", PRINCIPAL,
            "arn:aws:iam::000000000000:role/test-api-Fn-ServiceRole", "AKIDLOCALTEST", "secret");
    private static final String TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/reviews";
    private static final Map<String, String> SECURE = Map.of("aws:SecureTransport", "true");

    /** An export whose one principal's role has these statements, and these resource policies. */
    private static PolicyModel model(String statements, String resources) throws IOException {
        String json = """
                {"principals": {"%s": "%s"},
                 "roles": {"%s": {"policies": [{"name": "P", "statements": [%s]}], "managedPolicyArns": []}},
                 "resources": {%s}}
                """.formatted(PRINCIPAL, ROLE_KEY, ROLE_KEY, statements, resources);
        return PolicyModel.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))
                .bind(Map.of("api/ReviewsTable/Resource.Arn", TABLE,
                        ROLE_KEY + ".Arn", CALLER.roleArn(),
                        "streaming/Key/Resource.Arn", "arn:aws:kms:us-east-1:000000000000:key/k1",
                        "streaming/Bucket/Resource.Arn", "arn:aws:s3:::bucket"));
    }

    private static PolicyModel model(String statements) throws IOException {
        return model(statements, "");
    }

    private static PolicyEvaluator.Decision decide(PolicyModel model, String action, String resource) {
        return decide(model, action, resource, resource, SECURE);
    }

    private static PolicyEvaluator.Decision decide(PolicyModel model, String action, String resource,
                                                   String policyResource, Map<String, String> context) {
        return new PolicyEvaluator(model).evaluate(CALLER,
                new ServiceCalls.Call(action, resource, policyResource, context, ""));
    }

    private static String allow(String id, String actions, String resources) {
        return """
                {"id": "%s", "effect": "Allow", "action": [%s], "resource": [%s]}""".formatted(id, actions, resources);
    }

    @Test
    void actionWildcardsMatchAnyRunOrOneCharacterAndIgnoreCase() throws IOException {
        PolicyModel model = model(allow("P#0", "\"dynamodb:Get*\", \"s3:?etObject\"", "\"*\""));
        assertTrue(decide(model, "dynamodb:GetItem", TABLE).allowed());
        assertTrue(decide(model, "DynamoDB:getitem", TABLE).allowed());
        assertTrue(decide(model, "s3:GetObject", "arn:aws:s3:::b/k").allowed());
        assertFalse(decide(model, "dynamodb:PutItem", TABLE).allowed());
        assertFalse(decide(model, "s3:GeetObject", "arn:aws:s3:::b/k").allowed());
    }

    @Test
    void resourcesMatchCaseSensitivelyAndATrailingWildcardRunsAcrossColons() throws IOException {
        PolicyModel model = model(allow("P#0", "\"s3:GetObject\"", "\"arn:aws:s3:::bucket/in/*\"") + ","
                + allow("P#1", "\"dynamodb:Query\"", "\"arn:aws:dynamodb:*:000000000000:table/re*\""));
        assertTrue(decide(model, "s3:GetObject", "arn:aws:s3:::bucket/in/a/b.json").allowed());
        assertFalse(decide(model, "s3:GetObject", "arn:aws:s3:::Bucket/in/a.json").allowed());
        assertFalse(decide(model, "s3:GetObject", "arn:aws:s3:::bucket/out/a.json").allowed());
        assertTrue(decide(model, "dynamodb:Query", TABLE + "/index/byTime").allowed());
        assertFalse(decide(model, "dynamodb:Query", "arn:aws:dynamodb:us-east-1:111111111111:table/reviews").allowed());
        PolicyModel anyTable = model(allow("P#0", "\"dynamodb:Scan\"", "\"arn:aws:dynamodb:*\""));
        assertTrue(decide(anyTable, "dynamodb:Scan", TABLE).allowed());
    }

    @Test
    void theAllowingStatementIdsAreNamedForUsageAccounting() throws IOException {
        PolicyModel model = model(allow("P#0", "\"dynamodb:GetItem\"", "\"${api/ReviewsTable/Resource.Arn}\"") + ","
                + allow("P#1", "\"dynamodb:*\"", "\"*\""));
        PolicyEvaluator.Decision decision = decide(model, "dynamodb:GetItem", TABLE);
        assertTrue(decision.allowed());
        assertEquals(List.of("P#0", "P#1"), decision.allowedBy());
    }

    @Test
    void notActionAndNotResourceAllowEverythingButWhatTheyName() throws IOException {
        PolicyModel model = model("""
                {"id": "P#0", "effect": "Allow", "notAction": ["dynamodb:Delete*"], "resource": ["arn:aws:dynamodb:*"]},
                {"id": "P#1", "effect": "Allow", "action": ["s3:GetObject"], "notResource": ["arn:aws:s3:::bucket/secret/*"]}
                """);
        assertTrue(decide(model, "dynamodb:PutItem", TABLE).allowed());
        assertFalse(decide(model, "dynamodb:DeleteItem", TABLE).allowed());
        assertTrue(decide(model, "s3:GetObject", "arn:aws:s3:::bucket/public/a").allowed());
        assertFalse(decide(model, "s3:GetObject", "arn:aws:s3:::bucket/secret/a").allowed());
    }

    @Test
    void anExplicitDenyWinsOverEveryAllowAndSaysSoInAwsWords() throws IOException {
        PolicyModel model = model(allow("P#0", "\"dynamodb:*\"", "\"*\"") + ","
                + "{\"id\": \"P#1\", \"effect\": \"Deny\", \"action\": [\"dynamodb:DeleteItem\"], \"resource\": [\"*\"]}");
        PolicyEvaluator.Decision decision = decide(model, "dynamodb:DeleteItem", TABLE);
        assertFalse(decision.allowed());
        assertEquals("with an explicit deny in an identity-based policy", decision.because());
        assertTrue(decision.detail().contains("P#1"), decision.detail());
        assertTrue(decide(model, "dynamodb:PutItem", TABLE).allowed());
    }

    @Test
    void withoutAnAllowTheCallIsImplicitlyDenied() throws IOException {
        PolicyEvaluator.Decision decision = decide(model(allow("P#0", "\"dynamodb:GetItem\"", "\"*\"")),
                "dynamodb:Scan", TABLE);
        assertFalse(decision.allowed());
        assertEquals("because no identity-based policy allows the dynamodb:Scan action", decision.because());
    }

    @Test
    void conditionsOnStringsArnsAndBooleansMustAllHold() throws IOException {
        PolicyModel model = model("""
                {"id": "P#0", "effect": "Allow", "action": ["dynamodb:GetItem"], "resource": ["*"],
                 "condition": {"StringEquals": {"aws:RequestedRegion": ["us-east-1"]},
                               "Bool": {"aws:SecureTransport": ["true"]}}},
                {"id": "P#1", "effect": "Allow", "action": ["sqs:SendMessage"], "resource": ["*"],
                 "condition": {"ArnLike": {"AWS:SourceArn": ["arn:aws:events:*:000000000000:rule/*"]}}},
                {"id": "P#2", "effect": "Allow", "action": ["sqs:ReceiveMessage"], "resource": ["*"],
                 "condition": {"StringLikeIfExists": {"aws:SourceArn": ["arn:aws:events:*"]}}},
                {"id": "P#3", "effect": "Allow", "action": ["sqs:DeleteMessage"], "resource": ["*"],
                 "condition": {"Null": {"aws:SourceArn": ["true"]}, "StringNotEquals": {"aws:SourceAccount": ["1"]}}}
                """);
        assertTrue(decide(model, "dynamodb:GetItem", TABLE, "", Map.of("aws:SecureTransport", "true",
                "aws:RequestedRegion", "us-east-1")).allowed());
        assertFalse(decide(model, "dynamodb:GetItem", TABLE, "", Map.of("aws:SecureTransport", "true",
                "aws:RequestedRegion", "eu-west-1")).allowed());
        assertFalse(decide(model, "dynamodb:GetItem", TABLE, "", SECURE).allowed(), "a missing key fails StringEquals");
        assertFalse(decide(model, "dynamodb:GetItem", TABLE, "", Map.of("aws:SecureTransport", "false",
                "aws:RequestedRegion", "us-east-1")).allowed());
        String queue = "arn:aws:sqs:us-east-1:000000000000:q";
        assertTrue(decide(model, "sqs:SendMessage", queue, "", Map.of("aws:SourceArn",
                "arn:aws:events:us-east-1:000000000000:rule/r")).allowed());
        assertFalse(decide(model, "sqs:SendMessage", queue, "", SECURE).allowed());
        assertTrue(decide(model, "sqs:ReceiveMessage", queue, "", SECURE).allowed(), "IfExists holds without the key");
        assertFalse(decide(model, "sqs:ReceiveMessage", queue, "", Map.of("aws:SourceArn", "arn:aws:sns:x")).allowed());
        assertTrue(decide(model, "sqs:DeleteMessage", queue, "", SECURE).allowed(),
                "Null true holds without the key, and a negated operator holds without its key");
    }

    @Test
    void anUnknownConditionOperatorOrKeyAllowsNothingAndMakesADenyApply() throws IOException {
        PolicyModel model = model("""
                {"id": "P#0", "effect": "Allow", "action": ["dynamodb:*"], "resource": ["*"],
                 "condition": {"DateGreaterThan": {"aws:CurrentTime": ["2026-01-01T00:00:00Z"]}}},
                {"id": "P#1", "effect": "Allow", "action": ["sqs:*"], "resource": ["*"]},
                {"id": "P#2", "effect": "Deny", "action": ["sqs:DeleteQueue"], "resource": ["*"],
                 "condition": {"StringEquals": {"aws:PrincipalTag/team": ["ops"]}}}
                """);
        PolicyEvaluator.Decision unknownOperator = decide(model, "dynamodb:GetItem", TABLE);
        assertFalse(unknownOperator.allowed());
        assertTrue(unknownOperator.detail().contains("DateGreaterThan"), unknownOperator.detail());
        String queue = "arn:aws:sqs:us-east-1:000000000000:q";
        assertTrue(decide(model, "sqs:SendMessage", queue).allowed());
        PolicyEvaluator.Decision unknownKey = decide(model, "sqs:DeleteQueue", queue);
        assertFalse(unknownKey.allowed());
        assertEquals("with an explicit deny in an identity-based policy", unknownKey.because());
        assertTrue(unknownKey.detail().contains("aws:PrincipalTag/team"), unknownKey.detail());
    }

    private static PolicyEvaluator.Decision withLeadingKeys(PolicyModel model, String action, List<String> keys) {
        Map<String, List<String>> multivalued = new java.util.HashMap<>();
        multivalued.put(ServiceCalls.LEADING_KEYS, keys);
        return new PolicyEvaluator(model).evaluate(CALLER, new ServiceCalls.Call(action, TABLE, TABLE, SECURE, "",
                multivalued));
    }

    /**
     * The set operators on {@code dynamodb:LeadingKeys} as IAM documents them
     * (reference_policies_condition-single-vs-multi-valued-context-keys.html): ForAllValues holds when every
     * request value matches, and also with no value at all (so an Allow on a table without a {@code Null} check
     * lets a Scan through, as on AWS); ForAnyValue needs one match; Null false requires a value; a plain operator
     * on the multivalued key, or a key the gateway could not read, fails closed.
     */
    @Test
    void leadingKeysTakeTheSetOperatorsAsIamDefinesThem() throws IOException {
        PolicyModel slotOnly = model("""
                {"id": "P#0", "effect": "Allow", "action": ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Scan"],
                 "resource": ["${api/ReviewsTable/Resource.Arn}"],
                 "condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["BROADCAST_SLOT"]}}}
                """);
        assertTrue(withLeadingKeys(slotOnly, "dynamodb:GetItem", List.of("BROADCAST_SLOT")).allowed());
        assertFalse(withLeadingKeys(slotOnly, "dynamodb:UpdateItem", List.of("CURRENT")).allowed(), "another item");
        assertFalse(withLeadingKeys(slotOnly, "dynamodb:GetItem", List.of("BROADCAST_SLOT", "CURRENT")).allowed(),
                "every value must match");
        assertTrue(decide(slotOnly, "dynamodb:Scan", TABLE).allowed(),
                "ForAllValues holds without the key: a Scan passes, as on AWS");
        PolicyModel slotAndPresent = model("""
                {"id": "P#0", "effect": "Allow", "action": ["dynamodb:GetItem", "dynamodb:Scan"],
                 "resource": ["${api/ReviewsTable/Resource.Arn}"],
                 "condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["BROADCAST_SLOT"]},
                               "Null": {"dynamodb:LeadingKeys": ["false"]}}}
                """);
        assertTrue(withLeadingKeys(slotAndPresent, "dynamodb:GetItem", List.of("BROADCAST_SLOT")).allowed());
        assertFalse(decide(slotAndPresent, "dynamodb:Scan", TABLE).allowed(), "Null false: the key must be there");
        assertFalse(withLeadingKeys(slotAndPresent, "dynamodb:GetItem", List.of()).allowed(), "no value is no key");
        PolicyModel any = model("""
                {"id": "P#0", "effect": "Allow", "action": ["dynamodb:*"], "resource": ["*"],
                 "condition": {"ForAnyValue:StringLike": {"dynamodb:LeadingKeys": ["LOVE*"]}}},
                {"id": "P#1", "effect": "Deny", "action": ["dynamodb:DeleteItem"], "resource": ["*"],
                 "condition": {"ForAnyValue:StringNotEquals": {"dynamodb:LeadingKeys": ["LOVE"]}}}
                """);
        assertTrue(withLeadingKeys(any, "dynamodb:GetItem", List.of("HATE", "LOVE#2")).allowed(), "one match is enough");
        assertFalse(withLeadingKeys(any, "dynamodb:GetItem", List.of("HATE")).allowed());
        assertFalse(decide(any, "dynamodb:Scan", TABLE).allowed(), "ForAnyValue needs a value");
        assertTrue(withLeadingKeys(any, "dynamodb:DeleteItem", List.of("LOVE")).allowed());
        assertFalse(withLeadingKeys(any, "dynamodb:DeleteItem", List.of("LOVE", "LOVE#1")).allowed(),
                "the deny applies: one value equals none of the negated operator's");
        PolicyModel plain = model("""
                {"id": "P#0", "effect": "Allow", "action": ["dynamodb:*"], "resource": ["*"],
                 "condition": {"StringEquals": {"dynamodb:LeadingKeys": ["BROADCAST_SLOT"]}}}
                """);
        PolicyEvaluator.Decision noSetOperator = withLeadingKeys(plain, "dynamodb:GetItem", List.of("BROADCAST_SLOT"));
        assertFalse(noSetOperator.allowed());
        assertTrue(noSetOperator.detail().contains("without ForAllValues or ForAnyValue"), noSetOperator.detail());
        PolicyEvaluator.Decision unread = withLeadingKeys(slotOnly, "dynamodb:GetItem", null);
        assertFalse(unread.allowed(), "a key the gateway could not read allows nothing");
        assertTrue(unread.detail().contains("could not read"), unread.detail());
    }

    @Test
    void anUnboundPlaceholderNeverAllowsAndMakesADenyApply() throws IOException {
        PolicyModel model = model(allow("P#0", "\"dynamodb:GetItem\"", "\"${api/MoviesTable/Resource.Arn}\"") + ","
                + allow("P#1", "\"s3:*\"", "\"*\"") + ","
                + "{\"id\": \"P#2\", \"effect\": \"Deny\", \"action\": [\"s3:DeleteObject\"],"
                + " \"resource\": [\"${streaming/Other/Resource.Arn}/*\"]}");
        assertEquals(List.of("${api/MoviesTable/Resource.Arn}", "${streaming/Other/Resource.Arn}"),
                model.unboundPlaceholders(PRINCIPAL));
        PolicyEvaluator.Decision decision = decide(model, "dynamodb:GetItem", TABLE);
        assertFalse(decision.allowed());
        assertTrue(decision.detail().contains("unbound"), decision.detail());
        assertTrue(decide(model, "s3:GetObject", "arn:aws:s3:::bucket/a").allowed());
        assertFalse(decide(model, "s3:DeleteObject", "arn:aws:s3:::bucket/a").allowed());
    }

    @Test
    void aResourcePolicyDenyAppliesToEveryoneItNamesAndItsAllowNamingTheRoleSuffices() throws IOException {
        String bucketPolicy = """
                "streaming/Bucket/Resource": {"type": "AWS::S3::Bucket", "policy": [
                  {"id": "B#0", "effect": "Deny", "action": ["s3:*"],
                   "resource": ["${streaming/Bucket/Resource.Arn}", "${streaming/Bucket/Resource.Arn}/*"],
                   "principal": {"AWS": ["*"]}, "condition": {"Bool": {"aws:SecureTransport": ["false"]}}},
                  {"id": "B#1", "effect": "Allow", "action": ["s3:GetObject"],
                   "resource": ["${streaming/Bucket/Resource.Arn}/*"], "principal": {"AWS": ["%s"]}},
                  {"id": "B#2", "effect": "Allow", "action": ["s3:DeleteObject"],
                   "resource": ["${streaming/Bucket/Resource.Arn}/*"], "principal": {"Service": ["events.amazonaws.com"]}}
                ]}""".formatted("${" + ROLE_KEY + ".Arn}");
        PolicyModel model = model(allow("P#0", "\"s3:PutObject\"", "\"*\""), bucketPolicy);
        String object = "arn:aws:s3:::bucket/a.json";
        String bucket = "arn:aws:s3:::bucket";
        assertTrue(decide(model, "s3:PutObject", object, bucket, SECURE).allowed());
        PolicyEvaluator.Decision plainHttp = decide(model, "s3:PutObject", object, bucket,
                Map.of("aws:SecureTransport", "false"));
        assertFalse(plainHttp.allowed());
        assertEquals("with an explicit deny in a resource-based policy", plainHttp.because());
        PolicyEvaluator.Decision byBucketPolicy = decide(model, "s3:GetObject", object, bucket, SECURE);
        assertTrue(byBucketPolicy.allowed(), "same account: a resource policy naming the role is enough");
        assertEquals(List.of("B#1"), byBucketPolicy.allowedBy());
        assertFalse(decide(model, "s3:DeleteObject", object, bucket, SECURE).allowed(), "a service principal is not the role");
    }

    private static final String KEY = "arn:aws:kms:us-east-1:000000000000:key/k1";
    private static final Map<String, String> VIA_SECRETS = Map.of("aws:SecureTransport", "true",
            "kms:ViaService", "secretsmanager.us-east-1.amazonaws.com");
    private static final String DECRYPT_VIA_SECRETS = """
            {"id": "P#0", "effect": "Allow", "action": ["kms:Decrypt"], "resource": ["${streaming/Key/Resource.Arn}"],
             "condition": {"StringEquals": {"kms:ViaService": ["secretsmanager.${AWS::Region}.amazonaws.com"]}}}""";

    private static String keyPolicy(String statements) {
        return "\"streaming/Key/Resource\": {\"type\": \"AWS::KMS::Key\", \"policy\": [" + statements + "]}";
    }

    @Test
    void aKeyPolicyThatDelegatesToTheAccountLetsTheRolesOwnPolicyDecide() throws IOException {
        String root = """
                {"id": "K#0", "effect": "Allow", "action": ["kms:*"], "resource": ["*"],
                 "principal": {"AWS": ["arn:${AWS::Partition}:iam::${AWS::AccountId}:root"]}}""";
        PolicyEvaluator.Decision withGrant = decide(model(DECRYPT_VIA_SECRETS, keyPolicy(root)), "kms:Decrypt", KEY, KEY,
                VIA_SECRETS);
        assertTrue(withGrant.allowed());
        assertEquals(List.of("K#0", "P#0"), withGrant.allowedBy());
        PolicyEvaluator.Decision direct = decide(model(DECRYPT_VIA_SECRETS, keyPolicy(root)), "kms:Decrypt", KEY, KEY,
                SECURE);
        assertFalse(direct.allowed(), "kms:ViaService is absent when the caller calls KMS itself");
        PolicyEvaluator.Decision withoutGrant = decide(model(allow("P#0", "\"dynamodb:*\"", "\"*\""), keyPolicy(root)),
                "kms:Decrypt", KEY, KEY, VIA_SECRETS);
        assertFalse(withoutGrant.allowed());
        assertEquals("because no identity-based policy allows the kms:Decrypt action", withoutGrant.because());
    }

    @Test
    void aKeyPolicyThatNamesTheRoleSufficesAndOneThatNamesNeitherItNorTheAccountRefusesEvenAnIamGrant()
            throws IOException {
        String role = """
                {"id": "K#1", "effect": "Allow", "action": ["kms:Decrypt"], "resource": ["*"],
                 "principal": {"AWS": ["${api/Fn/ServiceRole/Resource.Arn}"]},
                 "condition": {"StringEquals": {"kms:ViaService": ["secretsmanager.${AWS::Region}.amazonaws.com"]}}}""";
        PolicyEvaluator.Decision byKeyPolicy = decide(model(allow("P#0", "\"sqs:*\"", "\"*\""), keyPolicy(role)),
                "kms:Decrypt", KEY, KEY, VIA_SECRETS);
        assertTrue(byKeyPolicy.allowed());
        assertEquals(List.of("K#1"), byKeyPolicy.allowedBy());
        String service = """
                {"id": "K#2", "effect": "Allow", "action": ["kms:Decrypt"], "resource": ["*"],
                 "principal": {"Service": ["events.amazonaws.com"]}}""";
        PolicyEvaluator.Decision noDelegation = decide(model(DECRYPT_VIA_SECRETS, keyPolicy(service)), "kms:Decrypt",
                KEY, KEY, VIA_SECRETS);
        assertFalse(noDelegation.allowed());
        assertEquals("because no resource-based policy allows the kms:Decrypt action", noDelegation.because());
        assertFalse(decide(model(DECRYPT_VIA_SECRETS), "kms:Decrypt", KEY, KEY, VIA_SECRETS).allowed(),
                "a key the export has no key policy for can be used by no one");
    }
}
