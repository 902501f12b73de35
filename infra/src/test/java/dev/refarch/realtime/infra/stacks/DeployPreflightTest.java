package dev.refarch.realtime.infra.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.cli.TickReplayer;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.TestApps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * Deploy preflight: the create-time rules AWS applies that a template can show, checked over
 * every stack the app synthesizes, with streaming on and off, in dev and prod. Each rule cites
 * the AWS page it comes from. A rule reports every offending resource, not just the first.
 */
class DeployPreflightTest {

    /** One way the app is deployed: the context overrides and the stacks it must produce. */
    record Deployment(String label, Map<String, Object> overrides, boolean streaming, boolean prod) {
        List<CfnModel> stacks() {
            List<CfnModel> stacks = new ArrayList<>();
            for (CloudFormationStackArtifact stack : TestApps.app(overrides).synth().getStacks()) {
                stacks.add(CfnModel.of(stack));
            }
            // api, web, movies, observability; network and streaming with streaming on.
            assertEquals(streaming ? 6 : 4, stacks.size(), label + ": stacks");
            return stacks;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Deployment> deployments() {
        return Stream.of(
                new Deployment("dev, streaming on", Map.of(), true, false),
                new Deployment("dev, streaming off", Map.of("streaming", "off"), false, false),
                new Deployment("prod, streaming on", Map.of("stage", "prod"), true, true),
                new Deployment("prod, streaming off", Map.of("stage", "prod", "streaming", "off"), false, true));
    }

    private static final List<String> VPC_FUNCTION_ACTIONS = List.of(
            "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses");

    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html ("Required IAM permissions")
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void functionsInAVpcMayManageTheirNetworkInterfaces(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (CfnModel stack : deployment.stacks()) {
            for (String function : stack.ofType("AWS::Lambda::Function")) {
                JsonNode vpc = stack.properties(function).path("VpcConfig");
                if (vpc.isMissingNode()) {
                    continue;
                }
                checked++;
                String role = roleOf(stack, function);
                List<JsonNode> statements = stack.statementsOf(role);
                for (String action : VPC_FUNCTION_ACTIONS) {
                    if (!CfnModel.allows(statements, action, r -> true)) {
                        problems.add(stack.stackName + "/" + function + ": role " + role + " lacks " + action);
                    }
                }
                // The doc: DescribeNetworkInterfaces "only works if it's allowed on all resources".
                if (!CfnModel.allows(statements, "ec2:DescribeNetworkInterfaces", CfnModel::isStar)) {
                    problems.add(stack.stackName + "/" + function + ": ec2:DescribeNetworkInterfaces not on *");
                }
                for (JsonNode subnet : vpc.path("SubnetIds")) {
                    if (!CfnModel.allows(statements, "ec2:CreateNetworkInterface", CfnModel.ec2Resource("subnet", subnet))) {
                        problems.add(stack.stackName + "/" + function + ": CreateNetworkInterface not allowed in subnet " + subnet);
                    }
                }
                for (JsonNode group : vpc.path("SecurityGroupIds")) {
                    if (!CfnModel.allows(statements, "ec2:CreateNetworkInterface", CfnModel.ec2Resource("security-group", group))) {
                        problems.add(stack.stackName + "/" + function + ": CreateNetworkInterface not allowed with group " + group);
                    }
                }
                if (!CfnModel.allows(statements, "ec2:CreateNetworkInterface",
                        CfnModel.ec2Resource("network-interface", null))) {
                    problems.add(stack.stackName + "/" + function + ": CreateNetworkInterface not allowed on network-interface/*");
                }
            }
        }
        assertTrue(!deployment.streaming() || checked >= 2, "expected the producer and topic functions in the VPC");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html (Lambda creates the ENIs with the
    // function's permissions when the function is created, so they must exist before it)
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void vpcFunctionsHoldTheirNetworkPermissionsBeforeTheyAreCreated(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        for (CfnModel stack : deployment.stacks()) {
            for (String function : stack.ofType("AWS::Lambda::Function")) {
                if (stack.properties(function).path("VpcConfig").isMissingNode()) {
                    continue;
                }
                String role = roleOf(stack, function);
                if (stack.inlineAllows(role, "ec2:CreateNetworkInterface")) {
                    continue;
                }
                JsonNode dependsOn = stack.resources.get(function).path("DependsOn");
                List<String> policies = stack.attachedPoliciesAllowing(role, "ec2:CreateNetworkInterface");
                if (policies.isEmpty() || !policies.stream().allMatch(p -> CfnModel.list(dependsOn).stream()
                        .anyMatch(d -> d.asText().equals(p)))) {
                    problems.add(stack.stackName + "/" + function + ": network permissions " + policies
                            + " are not in the role and the function does not depend on them");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html (cluster access, VPC, SCRAM secret, KMS key)
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void mskTriggeredFunctionsMayReadTheClusterTheNetworkAndTheScramSecret(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (CfnModel stack : deployment.stacks()) {
            for (String mapping : mskMappings(stack)) {
                checked++;
                JsonNode props = stack.properties(mapping);
                String role = roleOf(stack, functionOf(stack, props.path("FunctionName")));
                List<JsonNode> statements = stack.statementsOf(role);
                String where = stack.stackName + "/" + mapping + " (role " + role + ")";
                JsonNode cluster = props.path("EventSourceArn");
                for (String action : List.of("kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers")) {
                    if (!CfnModel.allows(statements, action, CfnModel.exactly(cluster))) {
                        problems.add(where + ": lacks " + action + " on the cluster");
                    }
                }
                for (String action : List.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeVpcs", "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets",
                        "ec2:DescribeSecurityGroups")) {
                    if (!CfnModel.allows(statements, action, r -> true)) {
                        problems.add(where + ": lacks " + action);
                    }
                }
                // The mapping's ENIs use the cluster's subnets and security groups (msk-esm-create.html).
                JsonNode brokers = stack.referenced(cluster).map(c -> stack.properties(c).path("BrokerNodeGroupInfo"))
                        .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
                for (JsonNode subnet : brokers.path("ClientSubnets")) {
                    if (!CfnModel.allows(statements, "ec2:CreateNetworkInterface", CfnModel.ec2Resource("subnet", subnet))) {
                        problems.add(where + ": CreateNetworkInterface not allowed in the cluster's subnet " + subnet);
                    }
                }
                for (JsonNode group : brokers.path("SecurityGroups")) {
                    if (!CfnModel.allows(statements, "ec2:CreateNetworkInterface",
                            CfnModel.ec2Resource("security-group", group))) {
                        problems.add(where + ": CreateNetworkInterface not allowed with the cluster's group " + group);
                    }
                }
                for (JsonNode access : props.path("SourceAccessConfigurations")) {
                    JsonNode secret = access.path("URI");
                    if (!CfnModel.allows(statements, "secretsmanager:GetSecretValue", CfnModel.exactly(secret))) {
                        problems.add(where + ": may not read " + secret);
                    }
                    stack.referenced(secret).map(s -> stack.properties(s).path("KmsKeyId"))
                            .filter(key -> !key.isMissingNode())
                            .filter(key -> !mayDecrypt(stack, role, key))
                            .ifPresent(key -> problems.add(where + ": may not decrypt with " + key));
                }
            }
        }
        assertTrue(!deployment.streaming() || checked == 1, "expected the consumer's MSK mapping");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html ("Your execution role must have
    // permissions for the destination")
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void mskOnFailureDestinationIsWritableWithTheFunctionsRole(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        for (CfnModel stack : deployment.stacks()) {
            for (String mapping : mskMappings(stack)) {
                JsonNode props = stack.properties(mapping);
                JsonNode destination = props.at("/DestinationConfig/OnFailure/Destination");
                if (destination.isMissingNode()) {
                    problems.add(stack.stackName + "/" + mapping + ": no on-failure destination");
                    continue;
                }
                String role = roleOf(stack, functionOf(stack, props.path("FunctionName")));
                List<JsonNode> statements = stack.statementsOf(role);
                String target = stack.referenced(destination).orElse("?");
                String where = stack.stackName + "/" + mapping + " -> " + target;
                switch (stack.type(target)) {
                    case "AWS::S3::Bucket" -> {
                        if (!CfnModel.allows(statements, "s3:PutObject", CfnModel.objectsOf(destination))) {
                            problems.add(where + ": lacks s3:PutObject on its objects");
                        }
                        if (!CfnModel.allows(statements, "s3:ListBucket", CfnModel.exactly(destination))) {
                            problems.add(where + ": lacks s3:ListBucket on it");
                        }
                        JsonNode key = stack.properties(target)
                                .at("/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/KMSMasterKeyID");
                        if (!key.isMissingNode() && !CfnModel.allows(statements, "kms:GenerateDataKey", CfnModel.exactly(key))) {
                            problems.add(where + ": lacks kms:GenerateDataKey on the bucket key");
                        }
                    }
                    case "AWS::SQS::Queue" -> {
                        if (!CfnModel.allows(statements, "sqs:SendMessage", CfnModel.exactly(destination))) {
                            problems.add(where + ": lacks sqs:SendMessage");
                        }
                    }
                    case "AWS::SNS::Topic" -> {
                        if (!CfnModel.allows(statements, "sns:Publish", CfnModel.exactly(destination))) {
                            problems.add(where + ": lacks sns:Publish");
                        }
                    }
                    default -> problems.add(where + ": destination of unknown type " + destination);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html ("You must deploy a VPC endpoint for
    // your on-failure destination service inside your Kafka cluster VPC")
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void mskOnFailureDestinationIsReachableThroughAVpcEndpoint(Deployment deployment) {
        List<CfnModel> stacks = deployment.stacks();
        Set<String> endpoints = new TreeSet<>();
        for (CfnModel stack : stacks) {
            for (String endpoint : stack.ofType("AWS::EC2::VPCEndpoint")) {
                for (JsonNode part : CfnModel.joinParts(stack.properties(endpoint).path("ServiceName"))) {
                    String text = part.asText();
                    endpoints.add(text.substring(text.lastIndexOf('.') + 1));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (CfnModel stack : stacks) {
            for (String mapping : mskMappings(stack)) {
                JsonNode destination = stack.properties(mapping).at("/DestinationConfig/OnFailure/Destination");
                String service = switch (stack.type(stack.referenced(destination).orElse(""))) {
                    case "AWS::S3::Bucket" -> "s3";
                    case "AWS::SQS::Queue" -> "sqs";
                    case "AWS::SNS::Topic" -> "sns";
                    default -> "unknown";
                };
                if (!endpoints.contains(service)) {
                    problems.add(stack.stackName + "/" + mapping + ": no " + service + " endpoint in " + endpoints);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static final Set<String> SNAPSTART_RUNTIMES = Set.of(
            "java11", "java17", "java21", "java25", "python3.12", "python3.13", "python3.14", "dotnet8", "dotnet10");

    // https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html ("Supported features and limitations")
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void snapStartFunctionsUseASupportedRuntimeAndNoSettingSnapStartRefuses(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (CfnModel stack : deployment.stacks()) {
            for (String function : snapStartFunctions(stack)) {
                checked++;
                JsonNode props = stack.properties(function);
                String where = stack.stackName + "/" + function;
                if (!SNAPSTART_RUNTIMES.contains(props.path("Runtime").asText())) {
                    problems.add(where + ": runtime " + props.path("Runtime") + " has no SnapStart");
                }
                if (props.has("FileSystemConfigs")) {
                    problems.add(where + ": EFS");
                }
                if (props.at("/EphemeralStorage/Size").asInt(512) > 512) {
                    problems.add(where + ": ephemeral storage over 512 MB");
                }
                for (String type : List.of("AWS::Lambda::Alias", "AWS::Lambda::Version")) {
                    for (String id : stack.ofType(type)) {
                        if (CfnModel.mentions(stack.properties(id).path("FunctionName"), function)
                                && stack.properties(id).has("ProvisionedConcurrencyConfig")) {
                            problems.add(where + ": provisioned concurrency on " + id);
                        }
                    }
                }
            }
        }
        assertTrue(checked >= 1, "no SnapStart function found");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Resource types that invoke a function: they must name its alias, never the function itself. */
    private static final Set<String> TRIGGERS = Set.of(
            "AWS::Lambda::EventSourceMapping", "AWS::Events::Rule", "AWS::Scheduler::Schedule",
            "AWS::StepFunctions::StateMachine", "AWS::Lambda::Permission", "AWS::SNS::Subscription",
            "AWS::AppSync::DataSource", "AWS::Pipes::Pipe", "AWS::Lambda::Function", "AWS::CloudFormation::CustomResource");

    // https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html ("You can use SnapStart only on published
    // function versions and aliases that point to versions", not on $LATEST)
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void snapStartFunctionsArePublishedAndEveryTriggerUsesTheirAlias(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        for (CfnModel stack : deployment.stacks()) {
            for (String function : snapStartFunctions(stack)) {
                String where = stack.stackName + "/" + function;
                boolean published = stack.ofType("AWS::Lambda::Version").stream()
                        .anyMatch(v -> CfnModel.mentions(stack.properties(v).path("FunctionName"), function));
                List<String> aliases = stack.ofType("AWS::Lambda::Alias").stream()
                        .filter(a -> CfnModel.mentions(stack.properties(a).path("FunctionName"), function))
                        .filter(a -> stack.referenced(stack.properties(a).path("FunctionVersion"))
                                .map(v -> stack.type(v).equals("AWS::Lambda::Version")).orElse(false))
                        .toList();
                if (!published || aliases.isEmpty()) {
                    problems.add(where + ": no published version with an alias on it");
                }
                stack.resources.forEach((id, resource) -> {
                    String type = resource.path("Type").asText();
                    boolean trigger = TRIGGERS.contains(type) || type.startsWith("Custom::");
                    if (trigger && !id.equals(function) && CfnModel.mentions(resource.path("Properties"), function)) {
                        problems.add(where + ": " + type + " " + id + " invokes the function, not its alias");
                    }
                });
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // https://docs.aws.amazon.com/msk/latest/developerguide/msk-password.html (name "must begin with the prefix
    // AmazonMSK_", a custom KMS key) and https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
    // (a reader needs kms:Decrypt on the secret's key)
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void scramSecretsAreNamedForMskWithACustomerKeyTheirReadersMayUse(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (CfnModel stack : deployment.stacks()) {
            for (String association : stack.ofType("AWS::MSK::BatchScramSecret")) {
                for (JsonNode arn : stack.properties(association).path("SecretArnList")) {
                    checked++;
                    Optional<String> secret = stack.referenced(arn);
                    if (secret.isEmpty()) {
                        problems.add(association + ": secret " + arn + " is not in the template");
                        continue;
                    }
                    JsonNode props = stack.properties(secret.get());
                    String where = stack.stackName + "/" + secret.get();
                    JsonNode name = props.path("Name");
                    JsonNode first = CfnModel.joinParts(name).get(0);
                    if (!first.isTextual() || !first.asText().startsWith("AmazonMSK_")) {
                        problems.add(where + ": name " + name + " does not start with AmazonMSK_");
                    }
                    JsonNode key = props.path("KmsKeyId");
                    if (!stack.referenced(key).map(k -> stack.type(k).equals("AWS::KMS::Key")).orElse(false)) {
                        problems.add(where + ": key " + key + " is not a customer managed key of this template");
                        continue;
                    }
                    for (String role : stack.ofType("AWS::IAM::Role")) {
                        if (CfnModel.allows(stack.statementsOf(role), "secretsmanager:GetSecretValue",
                                r -> CfnModel.exactly(arn).test(r)) && !mayDecrypt(stack, role, key)) {
                            problems.add(where + ": reader " + role + " may not decrypt with its key");
                        }
                    }
                }
            }
        }
        assertTrue(!deployment.streaming() || checked == 1, "expected the SCRAM secret association");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Where each resource type names the role a service assumes, and that service. */
    private record RoleUse(String type, String path, String service) {
    }

    private static final List<RoleUse> ROLE_USES = List.of(
            new RoleUse("AWS::Lambda::Function", "/Role", "lambda.amazonaws.com"),
            new RoleUse("AWS::StepFunctions::StateMachine", "/RoleArn", "states.amazonaws.com"),
            new RoleUse("AWS::AppSync::DataSource", "/ServiceRoleArn", "appsync.amazonaws.com"),
            new RoleUse("AWS::AppSync::GraphQLApi", "/LogConfig/CloudWatchLogsRoleArn", "appsync.amazonaws.com"),
            new RoleUse("AWS::EC2::FlowLog", "/DeliverLogsPermissionArn", "vpc-flow-logs.amazonaws.com"),
            new RoleUse("AWS::Events::Rule", "/Targets/*/RoleArn", "events.amazonaws.com"),
            new RoleUse("AWS::Scheduler::Schedule", "/Target/RoleArn", "scheduler.amazonaws.com"));

    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html (the role's trust
    // policy names the service principal that assumes it; Lambda: lambda-intro-execution-role.html)
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void everyRoleTrustsExactlyTheServicesThatAssumeIt(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        for (CfnModel stack : deployment.stacks()) {
            for (String role : stack.ofType("AWS::IAM::Role")) {
                Set<String> needed = new TreeSet<>();
                for (RoleUse use : ROLE_USES) {
                    for (String user : stack.ofType(use.type())) {
                        for (JsonNode value : at(stack.properties(user), use.path())) {
                            if (stack.referenced(value).filter(role::equals).isPresent()) {
                                needed.add(use.service());
                            }
                        }
                    }
                }
                Set<String> trusted = new TreeSet<>();
                boolean otherPrincipals = false;
                for (JsonNode statement : stack.properties(role).at("/AssumeRolePolicyDocument/Statement")) {
                    JsonNode principal = statement.path("Principal");
                    CfnModel.list(principal.path("Service")).forEach(s -> trusted.add(s.asText()));
                    otherPrincipals |= principal.has("AWS") || principal.has("Federated") || principal.isTextual();
                }
                String where = stack.stackName + "/" + role;
                if (needed.isEmpty()) {
                    problems.add(where + ": no known service assumes it (trusts " + trusted + ")");
                } else if (!needed.equals(trusted) || otherPrincipals) {
                    problems.add(where + ": trusts " + trusted + (otherPrincipals ? " and others" : "")
                            + " but is assumed by " + needed);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** A DynamoDB request template's {@code "condition"} section (PutItem, UpdateItem, DeleteItem). */
    private static final java.util.regex.Pattern CONDITION = java.util.regex.Pattern.compile("\"condition\"\\s*:");

    // https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-resolver-mapping-template-reference-dynamodb-condition-expressions.html
    // ("Handling a condition check failure": when the condition fails, AppSync fetches the item, strongly
    // consistent by default, with the data source's role, before it decides the result)
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void dynamoDbDataSourcesWhoseResolversUseAConditionMayGetItemsOfTheirTable(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (CfnModel stack : deployment.stacks()) {
            for (String resolver : stack.ofType("AWS::AppSync::Resolver")) {
                JsonNode props = stack.properties(resolver);
                String where = stack.stackName + "/" + resolver;
                JsonNode request = props.path("RequestMappingTemplate");
                if (!request.isTextual()) {
                    problems.add(where + ": request template is not literal text, so its condition cannot be read");
                    continue;
                }
                if (!CONDITION.matcher(request.asText()).find()) {
                    continue;
                }
                Optional<String> source = stack.referenced(props.path("DataSourceName"));
                if (source.isEmpty() || !stack.properties(source.get()).path("Type").asText().equals("AMAZON_DYNAMODB")) {
                    problems.add(where + ": has a condition but no DynamoDB data source of this template");
                    continue;
                }
                checked++;
                JsonNode dataSource = stack.properties(source.get());
                Optional<String> role = stack.referenced(dataSource.path("ServiceRoleArn"));
                Optional<String> table = stack.referenced(dataSource.at("/DynamoDBConfig/TableName"));
                if (role.isEmpty() || table.isEmpty()) {
                    problems.add(where + ": data source " + source.get() + " has no role or table of this template");
                    continue;
                }
                JsonNode tableArn = json("{\"Fn::GetAtt\":[\"" + table.get() + "\",\"Arn\"]}");
                if (!CfnModel.allows(stack.statementsOf(role.get()), "dynamodb:GetItem", CfnModel.exactly(tableArn))) {
                    problems.add(where + ": has a condition, but role " + role.get() + " of data source "
                            + source.get() + " may not dynamodb:GetItem on " + table.get());
                }
            }
        }
        // vote, setCurrentMovie and publishTick write with a condition.
        assertTrue(checked >= 3, "expected the conditional resolvers, found " + checked);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Properties that set a resource's physical name. */
    private static final Map<String, String> NAME_PROPERTIES = Map.ofEntries(
            Map.entry("AWS::DynamoDB::Table", "TableName"),
            Map.entry("AWS::DynamoDB::GlobalTable", "TableName"),
            Map.entry("AWS::S3::Bucket", "BucketName"),
            Map.entry("AWS::SQS::Queue", "QueueName"),
            Map.entry("AWS::SNS::Topic", "TopicName"),
            Map.entry("AWS::Lambda::Function", "FunctionName"),
            Map.entry("AWS::IAM::Role", "RoleName"),
            Map.entry("AWS::IAM::ManagedPolicy", "ManagedPolicyName"),
            Map.entry("AWS::Logs::LogGroup", "LogGroupName"),
            Map.entry("AWS::SecretsManager::Secret", "Name"),
            Map.entry("AWS::MSK::Cluster", "ClusterName"),
            Map.entry("AWS::KMS::Alias", "AliasName"),
            Map.entry("AWS::StepFunctions::StateMachine", "StateMachineName"),
            Map.entry("AWS::Events::Rule", "Name"),
            Map.entry("AWS::EC2::SecurityGroup", "GroupName"));

    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html (Retain keeps
    // the resource after the stack is deleted) and .../aws-properties-name.html (a named resource cannot be created
    // while one of that name exists): a retained copy with a fixed name blocks the next deploy after a destroy
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void noRetainedResourceHasAFixedPhysicalName(Deployment deployment) {
        List<String> problems = new ArrayList<>();
        int retained = 0;
        for (CfnModel stack : deployment.stacks()) {
            for (Map.Entry<String, JsonNode> e : stack.resources.entrySet()) {
                String policy = e.getValue().path("DeletionPolicy").asText("Delete");
                if (!policy.startsWith("Retain")) {
                    continue;
                }
                retained++;
                String property = NAME_PROPERTIES.get(e.getValue().path("Type").asText());
                JsonNode name = property == null ? null : e.getValue().path("Properties").get(property);
                if (name != null && !stack.refersToADeployedValue(name)) {
                    problems.add(stack.stackName + "/" + e.getKey() + ": retained with the fixed " + property + " " + name);
                }
            }
        }
        assertTrue(!deployment.prod() || retained > 0, "prod retains nothing?");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The default deployments and one that opts in to the producer's reserved concurrency. */
    static Stream<Deployment> deploymentsAndTheReservationOptIn() {
        return Stream.concat(deployments(), Stream.of(new Deployment("dev, streaming on, producer reservation on",
                Map.of(PRODUCER_RESERVATION, "on"), true, false)));
    }

    private static final String PRODUCER_RESERVATION = "producerReservedConcurrency";

    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html ("You can reserve up to the
    // Unreserved account concurrency value that is shown, minus 100"): a reservation fails the deploy in an account
    // whose quota is small, as new accounts' often are, so a function reserves only when the deployer opted in
    @ParameterizedTest(name = "{0}")
    @MethodSource("deploymentsAndTheReservationOptIn")
    void noFunctionReservesConcurrencyUnlessConfiguredTo(Deployment deployment) {
        boolean optedIn = "on".equals(deployment.overrides().get(PRODUCER_RESERVATION));
        List<String> problems = new ArrayList<>();
        List<String> reserved = new ArrayList<>();
        for (CfnModel stack : deployment.stacks()) {
            for (String function : stack.ofType("AWS::Lambda::Function")) {
                JsonNode props = stack.properties(function);
                if (props.path("ReservedConcurrentExecutions").isMissingNode()) {
                    continue;
                }
                String where = stack.stackName + "/" + function;
                reserved.add(where);
                boolean producer = props.path("Handler").asText().equals(Functions.TICK_PRODUCER.handler());
                if (!optedIn || !producer) {
                    problems.add(where + " reserves " + props.path("ReservedConcurrentExecutions")
                            + " without " + PRODUCER_RESERVATION + "=on");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertEquals(optedIn ? 1 : 0, reserved.size(), "reserving functions: " + reserved);
    }

    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html ("Object Created" is sent for PutObject,
    // POST Object, CopyObject and CompleteMultipartUpload) and
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html: `ticks replay` moves
    // each object it replayed under its prefix with CopyObject, in the same bucket; a rule on the failure bucket that
    // matched that copy would report the replayed batch as skipped again
    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void everyEventBridgeRuleOnTheFailureBucketIgnoresWhatTheReplayWrites(Deployment deployment) {
        List<CfnModel> stacks = deployment.stacks();
        Set<CfnModel.Produced> failureBuckets = new java.util.HashSet<>();
        for (CfnModel stack : stacks) {
            for (String mapping : mskMappings(stack)) {
                stack.producer(stack.properties(mapping).at("/DestinationConfig/OnFailure/Destination"), stacks)
                        .filter(p -> stack.type(p.logicalId()).equals("AWS::S3::Bucket"))
                        .ifPresent(p -> failureBuckets.add(new CfnModel.Produced(p.stackName(), p.logicalId(), "")));
            }
        }
        String mappingKey = "aws/lambda/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/market-ticks-3/2026/12/06/"
                + "2026-12-06T18.05.00-9a8b7c6d.json";
        List<String> problems = new ArrayList<>();
        int rules = 0;
        for (CfnModel stack : stacks) {
            for (String rule : stack.ofType("AWS::Events::Rule")) {
                JsonNode pattern = stack.properties(rule).path("EventPattern");
                List<JsonNode> bucketNames = CfnModel.list(pattern.at("/detail/bucket/name"));
                JsonNode onFailureBucket = bucketNames.stream()
                        .filter(name -> stack.producer(name, stacks)
                                .map(p -> failureBuckets.contains(new CfnModel.Produced(p.stackName(), p.logicalId(), "")))
                                .orElse(false))
                        .findFirst().orElse(null);
                if (onFailureBucket == null) {
                    continue;
                }
                rules++;
                String where = stack.stackName + "/" + rule;
                if (EventPatternModel.matches(pattern, objectCreated(onFailureBucket, TickReplayer.REPLAYED_PREFIX + mappingKey))) {
                    problems.add(where + " matches the replay's copy " + TickReplayer.REPLAYED_PREFIX + mappingKey
                            + ": " + pattern);
                }
                if (!EventPatternModel.matches(pattern, objectCreated(onFailureBucket, mappingKey))) {
                    problems.add(where + " no longer matches what the mapping writes (" + mappingKey + "): " + pattern);
                }
            }
        }
        assertTrue(!deployment.streaming() || rules >= 1, "expected the skipped-batch notice rule");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** S3's "Object Created" event for EventBridge, of {@code key} in the bucket that {@code bucketName} names. */
    private static JsonNode objectCreated(JsonNode bucketName, String key) {
        com.fasterxml.jackson.databind.node.ObjectNode event = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        event.put("source", "aws.s3").put("detail-type", "Object Created");
        com.fasterxml.jackson.databind.node.ObjectNode detail = event.putObject("detail");
        detail.putObject("bucket").set("name", bucketName);
        detail.putObject("object").put("key", key).put("size", 512);
        detail.put("reason", "CopyObject");
        return event;
    }

    // --- helpers ---

    private static String roleOf(CfnModel stack, String function) {
        return stack.referenced(stack.properties(function).path("Role"))
                .orElseThrow(() -> new AssertionError(function + ": role not in the template"));
    }

    /** The function a mapping (or any FunctionName) invokes, through its alias or version. */
    private static String functionOf(CfnModel stack, JsonNode functionName) {
        // A mapping names its alias as "<function name>:live", built from the alias ARN.
        String id = stack.referenced(functionName).or(() -> stack.resources.keySet().stream()
                        .filter(r -> stack.type(r).startsWith("AWS::Lambda::"))
                        .filter(r -> CfnModel.mentions(functionName, r)).findFirst())
                .orElseThrow(() -> new AssertionError("function " + functionName + " not in the template"));
        if (stack.type(id).equals("AWS::Lambda::Alias") || stack.type(id).equals("AWS::Lambda::Version")) {
            return functionOf(stack, stack.properties(id).path("FunctionName"));
        }
        return id;
    }

    private static List<String> mskMappings(CfnModel stack) {
        return stack.ofType("AWS::Lambda::EventSourceMapping").stream()
                .filter(m -> stack.referenced(stack.properties(m).path("EventSourceArn"))
                        .map(c -> stack.type(c).equals("AWS::MSK::Cluster")).orElse(false))
                .toList();
    }

    private static List<String> snapStartFunctions(CfnModel stack) {
        return stack.ofType("AWS::Lambda::Function").stream()
                .filter(f -> stack.properties(f).at("/SnapStart/ApplyOn").asText().equals("PublishedVersions"))
                .toList();
    }

    /**
     * Whether {@code role} may use {@code key} to decrypt: the key policy names the role, or the key
     * policy delegates to the account's IAM policies (root with kms:*) and the role's own policy
     * allows kms:Decrypt on the key.
     */
    private static boolean mayDecrypt(CfnModel stack, String role, JsonNode key) {
        String keyId = stack.referenced(key).orElse(null);
        if (keyId == null) {
            return false;
        }
        List<JsonNode> keyStatements = new ArrayList<>();
        stack.properties(keyId).at("/KeyPolicy/Statement").forEach(keyStatements::add);
        Predicate<JsonNode> namesRole = s -> CfnModel.mentions(s.path("Principal"), role);
        Predicate<JsonNode> namesRoot = s -> s.path("Principal").toString().contains(":root");
        boolean keyPolicyNamesRole = CfnModel.allows(keyStatements.stream().filter(namesRole).toList(),
                "kms:Decrypt", r -> true);
        boolean delegatesToIam = CfnModel.allows(keyStatements.stream().filter(namesRoot).toList(),
                "kms:Decrypt", r -> true);
        JsonNode keyArn = stack.resources.get(keyId) == null ? key
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                        .set("Fn::GetAtt", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                                .add(keyId).add("Arn"));
        boolean iamAllows = CfnModel.allows(stack.statementsOf(role), "kms:Decrypt", CfnModel.exactly(keyArn));
        return keyPolicyNamesRole || (delegatesToIam && iamAllows);
    }

    /** The values at a slash path; {@code *} steps into every element of an array. */
    private static List<JsonNode> at(JsonNode node, String path) {
        List<JsonNode> current = List.of(node);
        for (String step : path.substring(1).split("/")) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode n : current) {
                if (step.equals("*")) {
                    n.forEach(next::add);
                } else if (n.has(step)) {
                    next.add(n.get(step));
                }
            }
            current = next;
        }
        return current;
    }

    @org.junit.jupiter.api.Test
    void aRuleCatchesWhatItChecks() {
        // The matchers the rules rely on, on hand-written statements.
        JsonNode subnet = json("{\"Ref\":\"S\"}");
        JsonNode statement = json("{\"Effect\":\"Allow\",\"Action\":\"ec2:CreateNetworkInterface\",\"Resource\":"
                + "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},\":ec2:r:a:subnet/\",{\"Ref\":\"S\"}]]}}");
        assertTrue(CfnModel.allows(List.of(statement), "ec2:CreateNetworkInterface", CfnModel.ec2Resource("subnet", subnet)));
        assertFalse(CfnModel.allows(List.of(statement), "ec2:CreateNetworkInterface",
                CfnModel.ec2Resource("subnet", json("{\"Ref\":\"Other\"}"))));
        assertFalse(CfnModel.allows(List.of(statement), "ec2:DeleteNetworkInterface", r -> true));
        assertTrue(CfnModel.actionMatches("ec2:Describe*", "ec2:DescribeSubnets"));
        assertFalse(CfnModel.actionMatches("ec2:Describe*", "ec2:CreateNetworkInterface"));
        // The event pattern model, on the operators of the EventBridge documentation's examples.
        JsonNode pattern = json("{\"source\":[\"aws.s3\"],\"detail\":{\"object\":{\"key\":[{\"anything-but\":{\"prefix\":\"replayed/\"}}]}}}");
        assertTrue(EventPatternModel.matches(pattern, json("{\"source\":\"aws.s3\",\"detail\":{\"object\":{\"key\":\"aws/lambda/x\"}}}")));
        assertFalse(EventPatternModel.matches(pattern, json("{\"source\":\"aws.s3\",\"detail\":{\"object\":{\"key\":\"replayed/aws/lambda/x\"}}}")));
        assertFalse(EventPatternModel.matches(pattern, json("{\"source\":\"aws.s3\",\"detail\":{}}")));
        assertFalse(EventPatternModel.matches(pattern, json("{\"source\":\"aws.events\",\"detail\":{\"object\":{\"key\":\"a\"}}}")));
        assertTrue(EventPatternModel.matches(json("{\"detail\":{\"key\":[{\"prefix\":\"aws/\"}]}}"),
                json("{\"detail\":{\"key\":\"aws/lambda/x\"}}")));
    }

    private static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
