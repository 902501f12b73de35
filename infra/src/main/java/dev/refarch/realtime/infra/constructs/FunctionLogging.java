package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.Stage;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.CustomResourceProviderBase;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.CfnFunction;
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

    private static final String LAMBDA_FUNCTION = "AWS::Lambda::Function";

    private FunctionLogging() {
    }

    /** Applies both to {@code stack}; call once every construct of the stack exists. */
    public static void applyTo(Stack stack, Stage stage) {
        // One walk of the tree: every construct it returns is a jsii round trip or more for the
        // Java side, so it is not repeated for the custom resources below (the log groups added in
        // between are not custom resources).
        List<IConstruct> constructs = stack.getNode().findAll();
        constructs.stream().filter(FunctionLogging::isFunction).map(CfnResource.class::cast)
                .forEach(function -> function.addPropertyOverride("LoggingConfig.LogFormat", "JSON"));
        List<LogGroup> groups = new ArrayList<>();
        for (IConstruct child : stack.getNode().getChildren()) {
            if (!(child instanceof CustomResourceProviderBase provider)) {
                continue;
            }
            IConstruct handler = provider.getNode().tryFindChild("Handler");
            if (!(handler instanceof CfnResource function) || !function.getCfnResourceType().equals(LAMBDA_FUNCTION)) {
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
        constructs.stream()
                .filter(CustomResource.class::isInstance)
                .forEach(resource -> groups.forEach(group -> resource.getNode().addDependency(group)));
    }

    /**
     * A Lambda function's L1: a {@link CfnFunction} (every L2 function's), or a plain
     * {@link CfnResource} of that type (what CDK's custom resource providers create). Only the plain
     * ones have their type read, a jsii round trip each; a generated L1 has its type in its class.
     */
    private static boolean isFunction(IConstruct construct) {
        return construct instanceof CfnFunction
                || construct.getClass() == CfnResource.class
                && ((CfnResource) construct).getCfnResourceType().equals(LAMBDA_FUNCTION);
    }
}
