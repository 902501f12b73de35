package dev.refarch.realtime.infra.stacks;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.assertions.Template;

/** Least-privilege checks shared by the stack tests. */
final class IamAssertions {

    /** The logical id prefix of the role of CDK's {@code autoDeleteObjects} provider. */
    static final String AUTO_DELETE_ROLE = "CustomS3AutoDeleteObjectsCustomResourceProviderRole";

    /** The logical id prefix of the role of CDK's {@code BucketDeployment} provider (Web stack). */
    static final String BUCKET_DEPLOYMENT_ROLE = "CustomCDKBucketDeployment";

    private IamAssertions() {
    }

    /**
     * No Allow statement of any IAM or resource policy in the template names a wildcard action.
     * Skipped: a KMS key policy's {@code kms:*} for the account root (it only delegates the key to
     * IAM policies), Deny statements (e.g. a TLS-only queue policy), which should be broad, and the
     * bucket-policy statement for CDK's own auto-delete provider ({@link #AUTO_DELETE_ROLE}, dev
     * buckets only), and the policy of CDK's BucketDeployment provider role
     * ({@link #BUCKET_DEPLOYMENT_ROLE}), whose fixed s3 action list the CDK owns too.
     */
    static void assertNoWildcardActions(Template template) {
        JsonNode json = new ObjectMapper().valueToTree(template.toJSON());
        List<String> actions = new ArrayList<>();
        json.path("Resources").forEach(resource -> {
            if (resource.path("Type").asText().equals("AWS::KMS::Key")) {
                return;
            }
            if (resource.path("Type").asText().equals("AWS::IAM::Policy")
                    && resource.at("/Properties/Roles/0/Ref").asText().startsWith(BUCKET_DEPLOYMENT_ROLE)) {
                return;
            }
            resource.findValues("Statement").forEach(list -> list.forEach(statement -> {
                if (statement.path("Effect").asText().equals("Allow")
                        && !statement.at("/Principal/AWS/Fn::GetAtt/0").asText().startsWith(AUTO_DELETE_ROLE)) {
                    JsonNode action = statement.path("Action");
                    (action.isArray() ? action : List.of(action)).forEach(a -> actions.add(((JsonNode) a).asText()));
                }
            }));
        });
        assertFalse(actions.isEmpty(), "no Allow statement found");
        actions.forEach(action -> assertFalse(action.contains("*"), "wildcard action " + action));
    }
}
