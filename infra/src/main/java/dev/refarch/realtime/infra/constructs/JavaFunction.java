package dev.refarch.realtime.infra.constructs;

import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.CdkJson;
import dev.refarch.realtime.infra.config.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IDestination;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * A Java function as this project deploys every one: the newest Java runtime SnapStart supports
 * (java25) on ARM64, SnapStart on published versions, invoked through the {@code live} alias
 * (which always points at the current version, so callers get the snapshot), X-Ray active
 * tracing, Powertools service name (naming the deployment) and metrics namespace, and a role
 * of its own whose only built-in permissions are writing to the function's log group (retention by stage) and, for a function in a VPC, the
 * network-interface actions Lambda needs to create it there. Callers grant the rest.
 */
public final class JavaFunction extends Construct {

    /** Default memory: Java start-up and SnapStart restore are faster with more CPU. */
    public static final int DEFAULT_MEMORY_MB = 1024;
    /** The metrics namespace every function writes to. */
    public static final String METRICS_NAMESPACE = Functions.METRICS_NAMESPACE;

    private final Function function;
    private final Alias alias;
    private final Role role;
    private final String serviceName;

    /** What a {@link JavaFunction} runs and how; build with {@link #builder()}. */
    public static final class Props {
        private final String module;
        private final String handler;
        private final String description;
        private final Duration timeout;
        private final Map<String, String> environment;
        private final Stage stage;
        private final String deployment;
        private final Network network;
        private final Integer reservedConcurrency;
        private final AsyncInvocation asyncInvocation;

        private Props(Builder b) {
            module = Objects.requireNonNull(b.module, "module");
            handler = Objects.requireNonNull(b.handler, "handler");
            description = Objects.requireNonNull(b.description, "description");
            timeout = Objects.requireNonNull(b.timeout, "timeout");
            stage = Objects.requireNonNull(b.stage, "stage");
            deployment = Objects.requireNonNull(b.deployment, "deployment");
            environment = Map.copyOf(b.environment);
            network = b.network;
            reservedConcurrency = b.reservedConcurrency;
            asyncInvocation = b.asyncInvocation;
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Props}; module, handler, description, timeout and stage are required. */
        public static final class Builder {
            private String module;
            private String handler;
            private String description;
            private Duration timeout;
            private final Map<String, String> environment = new LinkedHashMap<>();
            private Stage stage;
            private String deployment;
            private Network network;
            private Integer reservedConcurrency;
            private AsyncInvocation asyncInvocation;

            private Builder() {
            }

            /** Module, handler and timeout of one of the app's {@link Functions}. */
            public Builder definition(Functions.Definition definition) {
                return module(definition.module()).handler(definition.handler())
                        .timeout(Duration.seconds(definition.timeoutSeconds()));
            }

            /** The Maven module under {@code lambdas/}; its jar is {@code lambdas/<module>/target/<module>.jar}. */
            public Builder module(String module) {
                this.module = module;
                return this;
            }

            /** {@code package.Class::method}. */
            public Builder handler(String handler) {
                this.handler = handler;
                return this;
            }

            public Builder description(String description) {
                this.description = description;
                return this;
            }

            public Builder timeout(Duration timeout) {
                this.timeout = timeout;
                return this;
            }

            /** Configuration: names and ARNs only, never secret values. */
            public Builder environment(Map<String, String> environment) {
                this.environment.putAll(environment);
                return this;
            }

            /** Decides log retention and removal. */
            public Builder stage(Stage stage) {
                this.stage = stage;
                return this;
            }

            /**
             * The deployment ({@code <appName>-<stage>}, {@code AppConfig.prefix()}) the function's metrics
             * name in their {@code Service} dimension ({@link Functions#serviceName}).
             */
            public Builder deployment(String deployment) {
                this.deployment = deployment;
                return this;
            }

            /** Places the function in a VPC; without it the function runs outside any VPC. */
            public Builder network(Network network) {
                this.network = network;
                return this;
            }

            /** Reserves (and so caps) the function's concurrency. */
            public Builder reservedConcurrency(int reservedConcurrency) {
                this.reservedConcurrency = reservedConcurrency;
                return this;
            }

            /** How Lambda retries asynchronous invocations of the alias. */
            public Builder asyncInvocation(AsyncInvocation asyncInvocation) {
                this.asyncInvocation = asyncInvocation;
                return this;
            }

            public Props build() {
                return new Props(this);
            }
        }
    }

    /** The private subnets of {@code vpc}, in {@code securityGroup}. */
    public record Network(IVpc vpc, ISecurityGroup securityGroup) {
    }

    /**
     * Lambda's handling of asynchronous invocations of the alias: {@code retries} after a function
     * error (0-2), how long an event may wait (throttled, or between retries) before it is dropped,
     * and where an event goes when it fails or is dropped ({@code onFailure}, required: an
     * asynchronous path always has somewhere to fail to).
     */
    public record AsyncInvocation(int retries, Duration maxEventAge, IDestination onFailure) {
        public AsyncInvocation {
            Objects.requireNonNull(maxEventAge, "maxEventAge");
            Objects.requireNonNull(onFailure, "onFailure");
        }
    }

    public JavaFunction(Construct scope, String id, Props props) {
        super(scope, id);
        serviceName = Functions.serviceName(props.deployment, props.module);
        LogGroup logGroup = LogGroup.Builder.create(this, "LogGroup")
                .retention(props.stage.logRetention())
                .removalPolicy(props.stage.removalPolicy())
                .build();
        Map<String, PolicyDocument> policies = new TreeMap<>();
        policies.put("Logs", PolicyDocument.Builder.create().statements(List.of(
                PolicyStatement.Builder.create()
                        .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                        .resources(List.of(logGroup.getLogGroupArn()))
                        .build())).build());
        List<String> subnetIds = props.network == null ? List.of()
                : props.network.vpc().selectSubnets(privateSubnets()).getSubnetIds();
        if (props.network != null) {
            // In the role itself, not a separate policy: Lambda creates the network interfaces when it
            // creates the function, so the permissions must exist before the function does.
            policies.put("VpcNetworkInterfaces", PolicyDocument.Builder.create()
                    .statements(networkInterfaceStatements(this, subnetIds,
                            List.of(props.network.securityGroup().getSecurityGroupId()),
                            List.of("ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
                                    "ec2:UnassignPrivateIpAddresses"),
                            List.of("ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets")))
                    .build());
        }
        role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(props.description)
                .inlinePolicies(policies)
                .build();

        Map<String, String> environment = new TreeMap<>(props.environment);
        environment.putAll(Functions.powertoolsEnvironment(props.deployment, props.module));
        Function.Builder builder = Function.Builder.create(this, "Function");
        if (props.network != null) {
            builder.vpc(props.network.vpc())
                    .vpcSubnets(privateSubnets())
                    .securityGroups(List.of(props.network.securityGroup()));
        }
        if (props.reservedConcurrency != null) {
            builder.reservedConcurrentExecutions(props.reservedConcurrency);
        }
        function = builder
                .description(props.description)
                .runtime(Runtime.JAVA_25)
                .architecture(Architecture.ARM_64)
                .handler(props.handler)
                .code(Code.fromAsset(jar(props.module).toString()))
                .memorySize(DEFAULT_MEMORY_MB)
                .timeout(props.timeout)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .tracing(Tracing.ACTIVE)
                .environment(environment)
                .role(role)
                .logGroup(logGroup)
                .build();
        Alias.Builder aliasBuilder = Alias.Builder.create(this, "Live")
                .aliasName("live")
                .version(function.getCurrentVersion());
        if (props.asyncInvocation != null) {
            aliasBuilder.retryAttempts(props.asyncInvocation.retries())
                    .maxEventAge(props.asyncInvocation.maxEventAge())
                    .onFailure(props.asyncInvocation.onFailure());
        }
        alias = aliasBuilder.build();

        Validations.of(function).acknowledge(Acknowledgment.builder()
                .id("Annotation::@aws-cdk/aws-lambda:snapStartRequirePublish")
                .reason("Versions are published: the live alias points at currentVersion.")
                .build());
        Validations.of(role).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-IAM5[Resource::*]")
                .reason(props.network == null
                        ? "X-Ray's PutTraceSegments and PutTelemetryRecords (active tracing) support no "
                                + "resource-level permissions; '*' is the only resource they accept."
                        : "X-Ray's PutTraceSegments and PutTelemetryRecords (active tracing) and EC2's "
                                + "DescribeNetworkInterfaces and DescribeSubnets (Lambda's VPC setup) support no "
                                + "resource-level permissions; '*' is the only resource they accept.")
                .build());
        if (props.network != null) {
            acknowledgeNetworkInterfaceWildcard(role);
        }
    }

    /**
     * The network-interface statements for Lambda's ENIs in {@code subnetIds} with
     * {@code securityGroupIds}: CreateNetworkInterface on exactly those subnets and groups (and the
     * new interface), the interface-only actions on the account's interfaces (EC2 picks their ids),
     * and the Describe actions on "*", the only resource they accept.
     */
    static List<PolicyStatement> networkInterfaceStatements(Construct scope, List<String> subnetIds,
                                                            List<String> securityGroupIds,
                                                            List<String> interfaceActions,
                                                            List<String> describeActions) {
        Stack stack = Stack.of(scope);
        String anyInterface = ec2Arn(stack, "network-interface", "*");
        List<String> createOn = new ArrayList<>();
        subnetIds.forEach(id -> createOn.add(ec2Arn(stack, "subnet", id)));
        securityGroupIds.forEach(id -> createOn.add(ec2Arn(stack, "security-group", id)));
        createOn.add(anyInterface);
        return List.of(
                PolicyStatement.Builder.create()
                        .actions(List.of("ec2:CreateNetworkInterface"))
                        .resources(createOn)
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(interfaceActions)
                        .resources(List.of(anyInterface))
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(describeActions)
                        .resources(List.of("*"))
                        .build());
    }

    /** The acknowledgement of {@code network-interface/*} on {@code policyHolder}: an ENI id is unknowable. */
    static void acknowledgeNetworkInterfaceWildcard(IConstruct policyHolder) {
        Validations.of(policyHolder).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:"
                        + "<AWS::AccountId>:network-interface/*]")
                .reason("Lambda creates and deletes the network interfaces itself and EC2 assigns their ids, "
                        + "so a policy can only name this account's and region's network-interface/*; "
                        + "CreateNetworkInterface is also limited to the given subnets and security group.")
                .build());
    }

    private static String ec2Arn(Stack stack, String type, String id) {
        return stack.formatArn(ArnComponents.builder()
                .service("ec2")
                .resource(type)
                .resourceName(id)
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .build());
    }

    private static SubnetSelection privateSubnets() {
        return SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();
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

    /** The {@code Service} dimension of the function's Powertools metrics ({@code POWERTOOLS_SERVICE_NAME}). */
    public String serviceName() {
        return serviceName;
    }

    /**
     * An EventBridge rule in {@code scope} that invokes the {@link #alias()} on {@code schedule}.
     * EventBridge retries an event only when it cannot hand it to Lambda (a throttled API, a missing
     * permission), up to {@code retries} times within {@code maxEventAge}; then the event goes to
     * {@code deadLetters}.
     */
    public Rule invokeOnSchedule(Construct scope, String id, String description, Schedule schedule, int retries,
                                 Duration maxEventAge, IQueue deadLetters) {
        return Rule.Builder.create(scope, id)
                .description(description)
                .schedule(schedule)
                .targets(List.of(LambdaFunction.Builder.create(alias)
                        .retryAttempts(retries)
                        .maxEventAge(maxEventAge)
                        .deadLetterQueue(deadLetters)
                        .build()))
                .build();
    }
}
