package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.Stage;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.appsync.IGraphqlApi;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.wafv2.CfnLoggingConfiguration;
import software.amazon.awscdk.services.wafv2.CfnWebACL;
import software.amazon.awscdk.services.wafv2.CfnWebACLAssociation;
import software.constructs.Construct;

/**
 * A regional AWS WAF web ACL on the AppSync API: a rate-based rule that blocks a client IP
 * sending more than {@code rateLimit} API-key requests in any 5 minutes, and AWS's managed common
 * rule set. Requests are logged (to a log group with the stage's retention) without their
 * credentials: the {@code x-api-key} and {@code authorization} headers are redacted.
 *
 * <p>Only API-key requests count against the rate: the backend functions sign with IAM and, outside
 * a VPC, share Lambda's egress addresses, so the consumer's ~1 request a second per partition would
 * otherwise be blocked. A request claiming IAM without a valid signature is still refused by
 * AppSync itself. {@code SizeRestrictions_BODY} of the common rule set (bodies over 8 KB) only
 * counts: the consumer's batches of up to 25 aliased {@code publishTick} fields and the rotator's
 * movie with its overview are legitimate bodies of that size; the per-request bounds that matter
 * (vote count, chat length) are enforced by the resolvers.
 */
public final class ApiFirewall extends Construct {

    /** Names the WAF metrics (AWS/WAFV2, dimension Rule) of the two rules. */
    public static final String RATE_RULE = "ApiKeyRequestsPerIp";
    public static final String COMMON_RULES = "AWSManagedRulesCommonRuleSet";

    private final CfnWebACL webAcl;

    /**
     * @param name the web ACL's name (unique per region and account), also its metrics' WebACL dimension
     */
    public ApiFirewall(Construct scope, String id, IGraphqlApi api, String name, int rateLimit, Stage stage) {
        super(scope, id);
        CfnWebACL.StatementProperty apiKeyRequests = CfnWebACL.StatementProperty.builder()
                .sizeConstraintStatement(CfnWebACL.SizeConstraintStatementProperty.builder()
                        .fieldToMatch(CfnWebACL.FieldToMatchProperty.builder()
                                .singleHeader(Map.of("Name", "x-api-key"))
                                .build())
                        .comparisonOperator("GT")
                        .size(0)
                        .textTransformations(List.of(CfnWebACL.TextTransformationProperty.builder()
                                .priority(0).type("NONE").build()))
                        .build())
                .build();
        CfnWebACL.RuleProperty rate = CfnWebACL.RuleProperty.builder()
                .name(RATE_RULE)
                .priority(0)
                .action(CfnWebACL.RuleActionProperty.builder()
                        .block(CfnWebACL.BlockActionProperty.builder().build())
                        .build())
                .statement(CfnWebACL.StatementProperty.builder()
                        .rateBasedStatement(CfnWebACL.RateBasedStatementProperty.builder()
                                .limit(rateLimit)
                                .evaluationWindowSec(300)
                                .aggregateKeyType("IP")
                                .scopeDownStatement(apiKeyRequests)
                                .build())
                        .build())
                .visibilityConfig(visibility(RATE_RULE))
                .build();
        CfnWebACL.RuleProperty common = CfnWebACL.RuleProperty.builder()
                .name(COMMON_RULES)
                .priority(1)
                .overrideAction(CfnWebACL.OverrideActionProperty.builder()
                        .none(Map.of())
                        .build())
                .statement(CfnWebACL.StatementProperty.builder()
                        .managedRuleGroupStatement(CfnWebACL.ManagedRuleGroupStatementProperty.builder()
                                .vendorName("AWS")
                                .name(COMMON_RULES)
                                .ruleActionOverrides(List.of(CfnWebACL.RuleActionOverrideProperty.builder()
                                        .name("SizeRestrictions_BODY")
                                        .actionToUse(CfnWebACL.RuleActionProperty.builder()
                                                .count(CfnWebACL.CountActionProperty.builder().build())
                                                .build())
                                        .build()))
                                .build())
                        .build())
                .visibilityConfig(visibility(COMMON_RULES))
                .build();
        webAcl = CfnWebACL.Builder.create(this, "WebAcl")
                // Named, because WAF's metrics carry the web ACL's name as their WebACL dimension.
                .name(name)
                .description("Abuse limits of the public AppSync API")
                .scope("REGIONAL")
                .defaultAction(CfnWebACL.DefaultActionProperty.builder()
                        .allow(CfnWebACL.AllowActionProperty.builder().build())
                        .build())
                .rules(List.of(rate, common))
                .visibilityConfig(visibility(name))
                .build();
        CfnWebACLAssociation.Builder.create(this, "Association")
                .resourceArn(api.getArn())
                .webAclArn(webAcl.getAttrArn())
                .build();

        // WAF delivers only to log groups named aws-waf-logs-*; the API id keeps the name unique per
        // deployment, so a retained group never blocks the next deploy.
        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .logGroupName("aws-waf-logs-" + api.getApiId())
                .retention(stage.logRetention())
                .removalPolicy(stage.removalPolicy())
                .build();
        CfnLoggingConfiguration.Builder.create(this, "Logging")
                .resourceArn(webAcl.getAttrArn())
                // The group's ARN without the ":*" suffix of LogGroup.getLogGroupArn(), which WAF refuses.
                .logDestinationConfigs(List.of(Stack.of(this).formatArn(ArnComponents.builder()
                        .service("logs")
                        .resource("log-group")
                        .resourceName(logs.getLogGroupName())
                        .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                        .build())))
                .redactedFields(List.of(
                        CfnLoggingConfiguration.FieldToMatchProperty.builder()
                                .singleHeader(Map.of("Name", "x-api-key")).build(),
                        CfnLoggingConfiguration.FieldToMatchProperty.builder()
                                .singleHeader(Map.of("Name", "authorization")).build()))
                .build();
    }

    private static CfnWebACL.VisibilityConfigProperty visibility(String metric) {
        return CfnWebACL.VisibilityConfigProperty.builder()
                .cloudWatchMetricsEnabled(true)
                .metricName(metric)
                .sampledRequestsEnabled(true)
                .build();
    }

    public CfnWebACL webAcl() {
        return webAcl;
    }
}
