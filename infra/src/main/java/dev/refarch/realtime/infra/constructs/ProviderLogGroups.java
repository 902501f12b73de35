package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.Stage;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.CustomResourceProviderBase;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.IConstruct;

/**
 * Log groups, with the stage's retention, for the functions of CDK's own custom resource
 * providers that offer no log group setting (the S3 auto-delete provider of dev buckets, the
 * VPC's default-security-group restriction). Without one, Lambda creates
 * {@code /aws/lambda/<function>} on first use and keeps its logs forever. Every custom resource
 * of the stack waits for these groups, so no invocation can create the group first.
 */
public final class ProviderLogGroups {

    private ProviderLogGroups() {
    }

    /** Adds the log groups to {@code stack}; call once every construct of the stack exists. */
    public static void addTo(Stack stack, Stage stage) {
        List<LogGroup> groups = new ArrayList<>();
        for (IConstruct child : stack.getNode().getChildren()) {
            if (!(child instanceof CustomResourceProviderBase provider)) {
                continue;
            }
            IConstruct handler = provider.getNode().tryFindChild("Handler");
            if (!(handler instanceof CfnResource function) || !function.getCfnResourceType().equals("AWS::Lambda::Function")) {
                continue;
            }
            groups.add(LogGroup.Builder.create(provider, "LogGroup")
                    .logGroupName(Fn.join("", List.of("/aws/lambda/", function.getRef())))
                    .retention(stage.logRetention())
                    .removalPolicy(stage.removalPolicy())
                    .build());
        }
        if (groups.isEmpty()) {
            return;
        }
        stack.getNode().findAll().stream()
                .filter(CustomResource.class::isInstance)
                .forEach(resource -> groups.forEach(group -> resource.getNode().addDependency(group)));
    }
}
