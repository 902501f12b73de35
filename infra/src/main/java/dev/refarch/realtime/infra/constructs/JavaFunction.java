package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.config.CdkJson;
import dev.refarch.realtime.infra.config.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * A Java function as this project deploys every one: the newest Java runtime SnapStart supports
 * (java25) on ARM64, SnapStart on published versions, invoked through the {@code live} alias
 * (which always points at the current version, so callers get the snapshot), X-Ray active
 * tracing, Powertools service name, and a role of its own whose only built-in permission is
 * writing to the function's log group (retention by stage). Callers grant the rest.
 */
public final class JavaFunction extends Construct {

    /** Default memory: Java start-up and SnapStart restore are faster with more CPU. */
    public static final int DEFAULT_MEMORY_MB = 1024;

    private final Function function;
    private final Alias alias;
    private final Role role;

    /**
     * @param module      the Maven module under {@code lambdas/}; its shaded jar is
     *                    {@code lambdas/<module>/target/<module>.jar}
     * @param handler     {@code package.Class::method}
     * @param description what the function does
     * @param timeout     the function timeout
     * @param environment configuration (names and ARNs only, never secret values)
     * @param stage       decides log retention and removal
     * @param network     the VPC placement, or null for none
     */
    public record Props(String module, String handler, String description, Duration timeout,
                        Map<String, String> environment, Stage stage, Network network) {
        public Props {
            environment = Map.copyOf(environment);
        }

        /** A function outside any VPC. */
        public Props(String module, String handler, String description, Duration timeout,
                     Map<String, String> environment, Stage stage) {
            this(module, handler, description, timeout, environment, stage, null);
        }
    }

    /** Private subnets of {@code vpc}, in {@code securityGroup}. */
    public record Network(IVpc vpc, ISecurityGroup securityGroup) {
    }

    public JavaFunction(Construct scope, String id, Props props) {
        super(scope, id);
        LogGroup logGroup = LogGroup.Builder.create(this, "LogGroup")
                .retention(props.stage().logRetention())
                .removalPolicy(props.stage().removalPolicy())
                .build();
        role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(props.description())
                .inlinePolicies(Map.of("Logs", PolicyDocument.Builder.create().statements(List.of(
                        PolicyStatement.Builder.create()
                                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                                .resources(List.of(logGroup.getLogGroupArn()))
                                .build())).build()))
                .build();

        Map<String, String> environment = new java.util.TreeMap<>(props.environment());
        environment.put("POWERTOOLS_SERVICE_NAME", props.module());
        environment.put("POWERTOOLS_METRICS_NAMESPACE", "RealtimeRefarch");
        Function.Builder builder = Function.Builder.create(this, "Function");
        if (props.network() != null) {
            builder.vpc(props.network().vpc())
                    .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                    .securityGroups(List.of(props.network().securityGroup()));
        }
        function = builder
                .description(props.description())
                .runtime(Runtime.JAVA_25)
                .architecture(Architecture.ARM_64)
                .handler(props.handler())
                .code(Code.fromAsset(jar(props.module()).toString()))
                .memorySize(DEFAULT_MEMORY_MB)
                .timeout(props.timeout())
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .tracing(Tracing.ACTIVE)
                .environment(environment)
                .role(role)
                .logGroup(logGroup)
                .build();
        alias = Alias.Builder.create(this, "Live")
                .aliasName("live")
                .version(function.getCurrentVersion())
                .build();

        Validations.of(function).acknowledge(Acknowledgment.builder()
                .id("Annotation::@aws-cdk/aws-lambda:snapStartRequirePublish")
                .reason("Versions are published: the live alias points at currentVersion.")
                .build());
        // Tracing.ACTIVE adds xray:PutTraceSegments / xray:PutTelemetryRecords on "*".
        Validations.of(role).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-IAM5[Resource::*]")
                .reason("X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level "
                        + "permissions; '*' is the only resource they accept.")
                .build());
    }

    /** The shaded jar of a function module, which must be built before synth. */
    static Path jar(String module) {
        Path root = CdkJson.projectRoot(Path.of("").toAbsolutePath());
        Path jar = root.resolve("lambdas").resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn -pl lambdas/" + module
                    + " -am package -DskipTests); `npx cdk synth` does this through cdk.json");
        }
        return jar;
    }

    public Function function() {
        return function;
    }

    /** The alias every caller invokes, so SnapStart's snapshot serves them. */
    public Alias alias() {
        return alias;
    }

    public Role role() {
        return role;
    }
}
