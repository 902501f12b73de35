package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The role and log group of the function behind an {@code AwsCustomResource}: logs to its own
 * group (retention by stage) plus exactly the given statements, instead of the default role
 * with a managed policy.
 */
public final class SdkCallRole extends Construct {

    private final Role role;
    private final LogGroup logGroup;

    public SdkCallRole(Construct scope, String id, String description, List<PolicyStatement> statements, Stage stage) {
        super(scope, id);
        logGroup = LogGroup.Builder.create(this, "LogGroup")
                .retention(stage.logRetention())
                .removalPolicy(stage.removalPolicy())
                .build();
        List<PolicyStatement> all = new ArrayList<>(statements);
        all.add(PolicyStatement.Builder.create()
                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                .resources(List.of(logGroup.getLogGroupArn()))
                .build());
        role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(description)
                .inlinePolicies(Map.of("SdkCalls", PolicyDocument.Builder.create().statements(all).build()))
                .build();
    }

    public Role role() {
        return role;
    }

    public LogGroup logGroup() {
        return logGroup;
    }
}
