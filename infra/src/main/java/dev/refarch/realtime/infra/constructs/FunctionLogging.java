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
 * How every function of a stack logs, CDK's own included:
 * <ul>
 * <li>in JSON: Lambda's log format {@code JSON}, so its own START/END/REPORT lines and the Node.js
 * custom-resource handlers' lines are structured too (Lambda does not re-encode lines that are
 * already JSON, such as Powertools' and the EMF metrics: monitoring-cloudwatchlogs-logformat.html);</li>
 * <li>to a group with the stage's retention: CDK's custom resource providers that offer no log
 * group setting (the S3 auto-delete provider of dev buckets, the VPC's default-security-group
 * restriction) get an explicit {@code /aws/lambda/<function>} group, which Lambda would otherwise
 * create on first use and keep forever. Every custom resource of the stack waits for these
 * groups, so no invocation can create a group first.</li>
 * </ul>
 */
public final class FunctionLogging {

    private FunctionLogging() {
    }

    /** Applies both to {@code stack}; call once every construct of the stack exists. */
    public static void applyTo(Stack stack, Stage stage) {
        stack.getNode().findAll().stream()
                .filter(CfnResource.class::isInstance).map(CfnResource.class::cast)
                .filter(r -> r.getCfnResourceType().equals("AWS::Lambda::Function"))
                .forEach(function -> function.addPropertyOverride("LoggingConfig.LogFormat", "JSON"));
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
