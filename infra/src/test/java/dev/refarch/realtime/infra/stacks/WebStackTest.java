package dev.refarch.realtime.infra.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.infra.TestApps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class WebStackTest {

    private static Template template;
    private static JsonNode json;

    @BeforeAll
    static void synth() {
        template = Template.fromStack(TestApps.stack(TestApps.app(Map.of()), "realtime-refarch-dev-web"));
        json = new ObjectMapper().valueToTree(template.toJSON());
    }

    @Test
    void bucketIsPrivateEncryptedAndTlsOnly() {
        template.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "BucketEncryption", Match.objectLike(Map.of("ServerSideEncryptionConfiguration",
                        List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))))));
        template.hasResourceProperties("AWS::S3::BucketPolicy", Match.objectLike(Map.of("PolicyDocument",
                Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny", "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))))));
    }

    // Origin access control: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
    @Test
    void onlyTheDistributionReadsTheBucketThroughOriginAccessControl() {
        template.hasResourceProperties("AWS::CloudFront::OriginAccessControl", Map.of("OriginAccessControlConfig",
                Match.objectLike(Map.of("OriginAccessControlOriginType", "s3", "SigningBehavior", "always",
                        "SigningProtocol", "sigv4"))));
        List<JsonNode> allows = new ArrayList<>();
        json.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::S3::BucketPolicy")) {
                r.at("/Properties/PolicyDocument/Statement").forEach(st -> {
                    if (st.path("Effect").asText().equals("Allow")
                            && !st.at("/Principal/AWS/Fn::GetAtt/0").asText().startsWith(IamAssertions.AUTO_DELETE_ROLE)) {
                        allows.add(st);
                    }
                });
            }
        });
        assertEquals(1, allows.size(), allows.toString());
        JsonNode read = allows.get(0);
        assertEquals("cloudfront.amazonaws.com", read.at("/Principal/Service").asText());
        assertEquals("s3:GetObject", read.path("Action").asText());
        assertTrue(read.at("/Condition/StringEquals/AWS:SourceArn").toString().contains("distribution/"), read.toString());
        JsonNode origin = firstOfType("AWS::CloudFront::Distribution").at("/Properties/DistributionConfig/Origins/0");
        assertTrue(origin.has("OriginAccessControlId"), origin.toString());
        assertEquals("", origin.at("/S3OriginConfig/OriginAccessIdentity").asText(), "no legacy OAI");
    }

    @Test
    void viewersAreSentToHttpsAndGetTheSecurityHeaders() {
        JsonNode config = firstOfType("AWS::CloudFront::Distribution").at("/Properties/DistributionConfig");
        assertEquals("redirect-to-https", config.at("/DefaultCacheBehavior/ViewerProtocolPolicy").asText());
        assertEquals("index.html", config.path("DefaultRootObject").asText());
        assertTrue(config.at("/DefaultCacheBehavior/ResponseHeadersPolicyId").has("Ref"));
        JsonNode headers = firstOfType("AWS::CloudFront::ResponseHeadersPolicy")
                .at("/Properties/ResponseHeadersPolicyConfig/SecurityHeadersConfig");
        assertEquals("DENY", headers.at("/FrameOptions/FrameOption").asText());
        assertTrue(headers.at("/ContentTypeOptions/Override").asBoolean());
        assertEquals(31536000, headers.at("/StrictTransportSecurity/AccessControlMaxAgeSec").asInt());
    }

    @Test
    void contentSecurityPolicyAllowsExactlyTheApisEndpoints() {
        JsonNode parts = firstOfType("AWS::CloudFront::ResponseHeadersPolicy").at(
                "/Properties/ResponseHeadersPolicyConfig/SecurityHeadersConfig/ContentSecurityPolicy/ContentSecurityPolicy/Fn::Join/1");
        StringBuilder csp = new StringBuilder();
        // The API's URLs are imported from the API stack's exports, named <stack>:ExportsOutput...<attribute>.
        parts.forEach(p -> csp.append(p.isTextual() ? p.asText() : "<" + p.path("Fn::ImportValue").asText() + ">"));
        String policy = csp.toString();
        String connect = policy.replaceAll(".*connect-src ([^;]*);.*", "$1");
        String[] sources = connect.split(" ");
        assertEquals(3, sources.length, connect);
        assertEquals("'self'", sources[0]);
        assertTrue(sources[1].startsWith("<realtime-refarch-dev-api:") && sources[1].contains("GraphQLUrl"), connect);
        assertTrue(sources[2].startsWith("<realtime-refarch-dev-api:") && sources[2].contains("RealtimeUrl"), connect);
        assertTrue(policy.startsWith("default-src 'none'; script-src 'self'; style-src 'self'; "), policy);
        assertTrue(policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"), policy);
    }

    @Test
    void deploymentWritesConfigJsonFromTheApisOutputsWithThePageAndPosters() {
        JsonNode deployment = firstOfType("Custom::CDKBucketDeployment").path("Properties");
        assertEquals(3, deployment.path("SourceObjectKeys").size(), "page, posters, config.json");
        String markers = deployment.path("SourceMarkers").toString();
        assertTrue(markers.contains("GraphQLUrl") && markers.contains("RealtimeUrl") && markers.contains("ApiKey"), markers);
        assertTrue(deployment.path("Prune").asBoolean(true));
    }

    @Test
    void urlIsAStackOutput() {
        template.hasOutput(WebStack.URL_OUTPUT, Match.objectLike(Map.of("Value", Map.of("Fn::Join", List.of("",
                List.of("https://", Map.of("Fn::GetAtt", List.of(logicalIdOf("AWS::CloudFront::Distribution"), "DomainName")), "/"))))));
    }

    @Test
    void rotatorLinksCatalogPostersBelowTheDistribution() {
        Template movies = Template.fromStack(TestApps.stack(TestApps.app(Map.of()), "realtime-refarch-dev-movies"));
        JsonNode env = new ObjectMapper().valueToTree(movies.findResources("AWS::Lambda::Function")).findValue("Variables");
        JsonNode posters = env.path("CATALOG_POSTER_BASE_URL");
        assertTrue(posters.toString().contains("realtime-refarch-dev-web") && posters.toString().contains("/posters"), posters.toString());
    }

    @Test
    void noIamStatementUsesAWildcardActionButTheCdksOwnProviders() {
        IamAssertions.assertNoWildcardActions(template);
    }

    private static JsonNode firstOfType(String type) {
        return json.path("Resources").path(logicalIdOf(type));
    }

    private static String logicalIdOf(String type) {
        var ids = json.path("Resources").fieldNames();
        while (ids.hasNext()) {
            String id = ids.next();
            if (json.path("Resources").path(id).path("Type").asText().equals(type)) {
                return id;
            }
        }
        throw new AssertionError("no " + type);
    }
}
