package dev.refarch.realtime.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading the policy export and binding its placeholders to the local run's names. */
class PolicyModelTest {

    static final String WRITER = "function:test.iam.WriterHandler::handleRequest";
    static final String READER = "function:test.iam.ReaderHandler::handleRequest";
    static final String SCRAM = "arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_test";
    static final String KEY = "arn:aws:kms:us-east-1:000000000000:key/local-msk";

    static PolicyModel fixture() throws IOException {
        try (InputStream in = PolicyModelTest.class.getResourceAsStream("/iam/gateway-policies.json")) {
            return PolicyModel.read(in);
        }
    }

    private static Map<String, String> someBindings() {
        Map<String, String> binding = new HashMap<>();
        binding.put("api/ReviewsTable/Resource.Arn", "arn:aws:dynamodb:us-east-1:000000000000:table/reviews");
        binding.put("streaming/ScramSecret/Resource.Ref", SCRAM);
        binding.put("streaming/MskKey/Resource.Arn", KEY);
        binding.put("api/Api/GraphqlApi.ApiId", "localapi");
        binding.put("streaming/TickProducer/Live/Resource.Ref", "arn:aws:lambda:us-east-1:000000000000:function:producer:live");
        binding.put("streaming/Retired/Live/Resource.Ref", "arn:aws:lambda:us-east-1:000000000000:function:retired:live");
        return binding;
    }

    @Test
    void placeholdersAndPseudoParametersAreSubstitutedAndTheRestListedAsUnbound() throws IOException {
        PolicyModel model = fixture().bind(someBindings());
        List<Statement> statements = model.identityStatements(WRITER);
        assertEquals("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/writer:*",
                statements.get(0).resources().get(0));
        assertEquals(List.of("arn:aws:dynamodb:us-east-1:000000000000:table/reviews"), statements.get(1).resources());
        assertEquals(List.of("${api/ReviewsTable/Resource.StreamArn}", "${streaming/FailureQueue/Resource.Arn}",
                "${streaming/FailureBucket/Resource.Arn}"), model.unboundPlaceholders(WRITER));
        assertEquals(List.of(), model.unboundPlaceholders(READER));
        assertEquals(List.of("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
                model.managedPolicyArns(READER));
        assertEquals(Optional.of("localapi"), model.appSyncApiId());
    }

    @Test
    void anUnboundModelNamesEveryPlaceholderAsUnbound() throws IOException {
        PolicyModel unbound = fixture();
        assertTrue(unbound.unboundPlaceholders(READER).contains("${api/ReviewsTable/Resource.Arn}"));
        assertTrue(unbound.identityStatements(WRITER).get(0).unbound().contains("${AWS::Region}"));
    }

    @Test
    void resourcePoliciesAreFoundByTheResourcesLocalArnAndASecretNamesItsKey() throws IOException {
        PolicyModel model = fixture().bind(someBindings());
        PolicyModel.ResourcePolicy key = model.resourcePolicy(KEY).orElseThrow();
        assertEquals("AWS::KMS::Key", key.type());
        assertEquals("arn:aws:iam::000000000000:root", key.statements().get(0).principals().get("AWS").get(0));
        assertEquals(Optional.of(KEY), model.kmsKeyOf(SCRAM));
        assertEquals(Optional.empty(), model.kmsKeyOf("arn:aws:secretsmanager:us-east-1:000000000000:secret:other"));
        assertTrue(model.unboundResourcePlaceholders().containsKey("streaming/FailureBucket/Resource"),
                "a bucket the binding gives no ARN has a policy that applies to nothing");
        assertEquals(List.of("${streaming/ProducerRole/Resource.Arn}"),
                model.unboundResourcePlaceholders().get("streaming/MskKey/Resource"),
                "the key policy names a role, whose ARN the identities bind");
    }

    @Test
    void aStatementCanBeTakenAwayByIdAndAnUnknownIdIsAnError() throws IOException {
        PolicyModel model = fixture().bind(someBindings());
        String id = "api/WriterFunction/ServiceRole/DefaultPolicy/Resource#7";
        assertTrue(model.statementIds(WRITER).contains(id));
        PolicyModel fewer = model.withoutStatement(id);
        assertFalse(fewer.statementIds(WRITER).contains(id));
        assertEquals(model.statementIds(WRITER).size() - 1, fewer.statementIds(WRITER).size());
        assertEquals(Optional.of(KEY), fewer.kmsKeyOf(SCRAM), "the binding stays");
        assertThrows(IllegalArgumentException.class, () -> model.withoutStatement("no/such#0"));
    }

    @Test
    void aPrincipalWhoseRoleIsNotExportedIsAnError() {
        String json = "{\"principals\": {\"function:x\": \"api/Missing/Resource\"}, \"roles\": {}, \"resources\": {}}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolicyModel.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("api/Missing/Resource"), e.getMessage());
    }

    @Test
    void identitiesAreMadePerPrincipalWithTheirOwnKeysAndBindTheirRolesArns() throws IOException {
        PolicyModel model = fixture();
        LocalIdentities identities = LocalIdentities.forPrincipals(model, "000000000000", "realtime-refarch-local");
        LocalIdentity writer = identities.forPrincipal(WRITER);
        assertEquals("WriterHandler", writer.name());
        assertEquals("arn:aws:iam::000000000000:role/realtime-refarch-local-api-WriterFunction-ServiceRole",
                writer.roleArn());
        assertEquals("arn:aws:sts::000000000000:assumed-role/realtime-refarch-local-api-WriterFunction-ServiceRole/"
                + "WriterHandler", writer.assumedRoleArn());
        assertTrue(writer.accessKeyId().startsWith("AKIDLOCAL"), writer.accessKeyId());
        assertEquals(Optional.of(writer), identities.byAccessKey(writer.accessKeyId()));
        assertFalse(writer.secretAccessKey().equals(identities.forPrincipal(READER).secretAccessKey()));
        assertEquals(writer.roleArn(), identities.binding().get("api/WriterFunction/ServiceRole/Resource.Arn"));
        assertFalse(writer.toString().contains(writer.secretAccessKey()));
    }
}
