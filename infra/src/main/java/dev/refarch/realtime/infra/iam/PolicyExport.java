package dev.refarch.realtime.infra.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.infra.RealtimeApp;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.infra.config.CdkJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.constructs.IConstruct;

/**
 * Writes what the synthesized templates grant, for the local run to enforce (issue 18): every IAM
 * role with the policies attached to it, which role each function and AppSync data source runs as,
 * and the resource policies (KMS key policies, bucket, queue, topic and secret policies) with each
 * secret's KMS key. Read from the templates, not from the constructs, so it is exactly what
 * CloudFormation deploys. Not exported: trust policies (the local run gives each role's identity
 * directly) and {@code AWS::Lambda::Permission} (nothing local invokes a function through IAM). A
 * statement field the format has no place for (such as {@code NotPrincipal}) fails the export.
 *
 * <p>Values are strings with placeholders where the deployed value is only known in AWS:
 * {@code ${<resource key>.<attribute>}} for {@code Ref} ({@code Ref}) and {@code Fn::GetAtt}, the
 * pseudo parameters as {@code ${AWS::Partition}} and so on, {@code Fn::Join} and {@code Fn::Sub}
 * applied, {@code Fn::ImportValue} followed into the exporting stack, and anything else as
 * {@code ${unresolved:<what>}}, which the local run never matches. A resource key is the construct
 * path without the stack name's {@code <appName>-<stage>-} prefix ({@code api/ReviewsTable/Resource}).
 *
 * <p>One field beyond the design: {@code functions} maps every function's resource key to its handler
 * and role, because a handler string names more than one function (the CDK's own Node.js custom
 * resource handlers are all {@code index.handler}); {@code principals} names a handler only when its
 * functions share one role.
 */
public final class PolicyExport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PSEUDO_PARAMETERS =
            Set.of("AWS::Partition", "AWS::Region", "AWS::AccountId", "AWS::URLSuffix");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern RESOURCE_PLACEHOLDER = Pattern.compile("\\$\\{(.+)\\.(Ref|Arn)}");

    /** One stack's template, with the resource key of each of its logical ids. */
    private record Template(JsonNode json, Map<String, String> keys) {
    }

    /** A resource of any template, by key. */
    private record Resource(Template template, String type, JsonNode properties) {
    }

    /** An output value another stack imports, with its own template. */
    private record Exported(Template template, JsonNode value) {
    }

    private final Map<String, Resource> resources = new LinkedHashMap<>();
    /** By export name. */
    private final Map<String, Exported> exports = new HashMap<>();

    private PolicyExport() {
    }

    /**
     * Synthesizes the app with cdk.json's context and writes the export to {@code args[0]}. Runs in
     * the project root or below it, as the app itself does (it reads cdk.json and the function jars
     * from there).
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: PolicyExport <output file>");
        }
        Path out = Path.of(args[0]).toAbsolutePath();
        Path outdir = Files.createTempDirectory("policy-export");
        try {
            Map<String, Object> context = new HashMap<>(CdkJson.context());
            // The export reads templates only: the function jars and web assets need not be copied.
            context.put("aws:cdk:disable-asset-staging", true);
            App app = RealtimeApp.create(new App(AppProps.builder().context(context).outdir(outdir.toString())
                    .build()), Clock.systemUTC());
            ObjectNode export = export(app);
            Files.createDirectories(out.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), export);
        } finally {
            try (Stream<Path> files = Files.walk(outdir)) {
                files.sorted(Comparator.reverseOrder()).forEach(PolicyExport::delete);
            }
        }
    }

    /** The export of an app whose stacks are added ({@code RealtimeApp.create}); synthesizes it if it is not yet. */
    public static ObjectNode export(App app) {
        return new PolicyExport().read(app).write();
    }

    private PolicyExport read(App app) {
        String prefix = AppConfig.from(app.getNode()::tryGetContext).prefix() + "-";
        CloudAssembly assembly = app.synth();
        Map<String, Map<String, String>> keysByStack = new HashMap<>();
        for (IConstruct construct : app.getNode().findAll()) {
            if (construct instanceof CfnResource resource) {
                Stack stack = Stack.of(resource);
                String path = resource.getNode().getPath();
                keysByStack.computeIfAbsent(stack.getStackName(), s -> new HashMap<>())
                        .put((String) stack.resolve(resource.getLogicalId()),
                                path.startsWith(prefix) ? path.substring(prefix.length()) : path);
            }
        }
        for (IConstruct child : app.getNode().getChildren()) {
            if (child instanceof Stack stack) {
                Template template = new Template(
                        JSON.valueToTree(assembly.getStackArtifact(stack.getArtifactId()).getTemplate()),
                        keysByStack.getOrDefault(stack.getStackName(), Map.of()));
                template.json().path("Resources").properties().forEach(e -> {
                    String key = template.keys().get(e.getKey());
                    if (key == null) {
                        throw new IllegalStateException(stack.getStackName() + ": no construct for " + e.getKey());
                    }
                    resources.put(key, new Resource(template, e.getValue().path("Type").asText(),
                            e.getValue().path("Properties")));
                });
                template.json().path("Outputs").forEach(output -> {
                    if (output.has("Export")) {
                        exports.put(resolve(output.at("/Export/Name"), template),
                                new Exported(template, output.path("Value")));
                    }
                });
            }
        }
        return this;
    }

    private ObjectNode write() {
        ObjectNode export = JSON.createObjectNode();
        ObjectNode principals = export.putObject("principals");
        ObjectNode roles = export.putObject("roles");
        ObjectNode resourcePolicies = export.putObject("resources");
        ObjectNode functions = export.putObject("functions");

        resources.forEach((key, r) -> {
            if (r.type().equals("AWS::IAM::Role")) {
                ObjectNode role = roles.putObject(key);
                ArrayNode policies = role.putArray("policies");
                r.properties().path("Policies").forEach(p -> {
                    String name = key + "#" + resolve(p.path("PolicyName"), r.template());
                    policies.add(policy(name, p.path("PolicyDocument"), r.template()));
                });
                role.set("managedPolicyArns", strings(r.properties().path("ManagedPolicyArns"), r.template()));
            }
        });
        resources.forEach((key, r) -> {
            switch (r.type()) {
                case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" -> {
                    for (JsonNode roleRef : r.properties().path("Roles")) {
                        String role = keyOf(resolve(roleRef, r.template()), "AWS::IAM::Role");
                        ((ArrayNode) roles.path(role).path("policies"))
                                .add(policy(key, r.properties().path("PolicyDocument"), r.template()));
                    }
                    if (r.type().equals("AWS::IAM::ManagedPolicy")) {
                        // A policy for the user to attach (the operator's): the principal that holds it alone.
                        ObjectNode holder = roles.putObject(key);
                        holder.putArray("policies").add(policy(key, r.properties().path("PolicyDocument"), r.template()));
                        holder.putArray("managedPolicyArns");
                        principals.put("managedPolicy:" + key, key);
                    }
                }
                case "AWS::Lambda::Function" -> {
                    String handler = r.properties().path("Handler").asText();
                    String role = keyOf(resolve(r.properties().path("Role"), r.template()), "AWS::IAM::Role");
                    functions.putObject(key).put("handler", handler).put("role", role);
                }
                case "AWS::AppSync::DataSource" -> {
                    if (r.properties().has("ServiceRoleArn")) {
                        principals.put("dataSource:" + r.properties().path("Name").asText(),
                                keyOf(resolve(r.properties().path("ServiceRoleArn"), r.template()), "AWS::IAM::Role"));
                    }
                }
                case "AWS::KMS::Key" -> resourcePolicy(resourcePolicies, key)
                        .addAll(statements(policy(key, r.properties().path("KeyPolicy"), r.template())));
                case "AWS::S3::BucketPolicy" -> attach(resourcePolicies, key, r, "Bucket", "AWS::S3::Bucket");
                case "AWS::SQS::QueuePolicy" -> attach(resourcePolicies, key, r, "Queues", "AWS::SQS::Queue");
                case "AWS::SNS::TopicPolicy" -> attach(resourcePolicies, key, r, "Topics", "AWS::SNS::Topic");
                case "AWS::SecretsManager::ResourcePolicy" ->
                        attach(resourcePolicies, key, r, "SecretId", "AWS::SecretsManager::Secret");
                case "AWS::SecretsManager::Secret" -> {
                    resourcePolicy(resourcePolicies, key);
                    if (r.properties().has("KmsKeyId")) {
                        ((ObjectNode) resourcePolicies.get(key))
                                .put("kmsKeyId", resolve(r.properties().path("KmsKeyId"), r.template()));
                    }
                }
                default -> {
                }
            }
        });

        Map<String, Set<String>> rolesByHandler = new LinkedHashMap<>();
        functions.properties().forEach(f -> rolesByHandler
                .computeIfAbsent(f.getValue().path("handler").asText(), h -> new TreeSet<>())
                .add(f.getValue().path("role").asText()));
        rolesByHandler.forEach((handler, handlerRoles) -> {
            if (handlerRoles.size() == 1) {
                principals.put("function:" + handler, handlerRoles.iterator().next());
            }
        });
        return export;
    }

    /** Adds the statements of a policy resource to each {@code type} resource its property {@code target} names. */
    private void attach(ObjectNode resourcePolicies, String policyKey, Resource policy, String target, String type) {
        JsonNode targets = policy.properties().path(target);
        ArrayNode statements = statements(policy(policyKey, policy.properties().path("PolicyDocument"), policy.template()));
        for (JsonNode ref : targets.isArray() ? targets : List.of(targets)) {
            String resolved = resolve(ref, policy.template());
            resourcePolicy(resourcePolicies, keyOf(resolved, type)).addAll(statements);
        }
    }

    /** The statements under {@code key} in {@code resources}, created with the resource's type when new. */
    private ArrayNode resourcePolicy(ObjectNode resourcePolicies, String key) {
        if (!resourcePolicies.has(key)) {
            resourcePolicies.putObject(key).put("type", resources.get(key).type()).putArray("policy");
        }
        return (ArrayNode) resourcePolicies.path(key).path("policy");
    }

    private static ArrayNode statements(ObjectNode policy) {
        return (ArrayNode) policy.path("statements");
    }

    private ObjectNode policy(String name, JsonNode document, Template template) {
        ObjectNode policy = JSON.createObjectNode().put("name", name);
        ArrayNode statements = policy.putArray("statements");
        JsonNode all = document.path("Statement");
        int index = 0;
        for (JsonNode s : all.isArray() ? all : List.of(all)) {
            ObjectNode statement = statements.addObject().put("id", name + "#" + index++);
            s.properties().forEach(field -> {
                JsonNode value = field.getValue();
                switch (field.getKey()) {
                    case "Sid" -> {
                    }
                    case "Effect" -> statement.put("effect", value.asText());
                    case "Action", "NotAction", "Resource", "NotResource" ->
                            statement.set(lowerFirst(field.getKey()), strings(value, template));
                    case "Principal" -> {
                        ObjectNode principal = statement.putObject("principal");
                        if (value.isTextual()) {
                            principal.set("AWS", strings(value, template));
                        } else {
                            value.properties().forEach(p -> principal.set(p.getKey(), strings(p.getValue(), template)));
                        }
                    }
                    case "Condition" -> {
                        ObjectNode condition = statement.putObject("condition");
                        value.properties().forEach(op -> {
                            ObjectNode keys = condition.putObject(op.getKey());
                            op.getValue().properties().forEach(k -> keys.set(k.getKey(), strings(k.getValue(), template)));
                        });
                    }
                    default -> throw new IllegalStateException(name + ": the export has no field for " + field.getKey());
                }
            });
        }
        return policy;
    }

    /** One value or a list of them, resolved, as an array of strings. */
    private ArrayNode strings(JsonNode value, Template template) {
        ArrayNode strings = JSON.createArrayNode();
        if (value.isArray()) {
            value.forEach(v -> strings.add(resolve(v, template)));
        } else if (!value.isMissingNode()) {
            strings.add(resolve(value, template));
        }
        return strings;
    }

    /** A template value as a string, intrinsics replaced as the class comment says. */
    private String resolve(JsonNode value, Template template) {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.isObject() && value.size() == 1) {
            String function = value.fieldNames().next();
            JsonNode arg = value.path(function);
            switch (function) {
                case "Ref" -> {
                    return reference(arg.asText(), "Ref", template);
                }
                case "Fn::GetAtt" -> {
                    if (arg.isArray()) {
                        return reference(arg.path(0).asText(), resolve(arg.path(1), template), template);
                    }
                    String[] parts = arg.asText().split("\\.", 2);
                    return reference(parts[0], parts[1], template);
                }
                case "Fn::Join" -> {
                    if (arg.path(1).isArray()) {
                        List<String> parts = new ArrayList<>();
                        arg.path(1).forEach(part -> parts.add(resolve(part, template)));
                        return String.join(arg.path(0).asText(), parts);
                    }
                }
                case "Fn::Sub" -> {
                    return substitute(arg, template);
                }
                case "Fn::ImportValue" -> {
                    Exported exported = exports.get(resolve(arg, template));
                    if (exported != null) {
                        return resolve(exported.value(), exported.template());
                    }
                }
                default -> {
                }
            }
        }
        return unresolved(value);
    }

    /** {@code Ref} (attribute {@code Ref}) or {@code Fn::GetAtt} of a resource or a pseudo parameter. */
    private String reference(String logicalId, String attribute, Template template) {
        if (attribute.equals("Ref") && PSEUDO_PARAMETERS.contains(logicalId)) {
            return "${" + logicalId + "}";
        }
        String key = template.keys().get(logicalId);
        if (key == null) {
            return "${unresolved:" + (attribute.equals("Ref") ? "Ref " : "Fn::GetAtt ") + logicalId + "}";
        }
        return "${" + key + "." + attribute + "}";
    }

    /** {@code Fn::Sub} with or without its variable map. */
    private String substitute(JsonNode arg, Template template) {
        String text = arg.isArray() ? arg.path(0).asText() : arg.asText();
        JsonNode variables = arg.isArray() ? arg.path(1) : JSON.createObjectNode();
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value;
            if (name.startsWith("!")) {
                value = "${" + name.substring(1) + "}";
            } else if (variables.has(name)) {
                value = resolve(variables.path(name), template);
            } else if (name.contains(".")) {
                String[] parts = name.split("\\.", 2);
                value = reference(parts[0], parts[1], template);
            } else {
                value = reference(name, "Ref", template);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code ${unresolved:<function> of <what it refers to>}}: never a value the local run can bind. */
    private static String unresolved(JsonNode value) {
        String function = value.isObject() && value.size() == 1 ? value.fieldNames().next() : value.getNodeType().toString();
        Set<String> refers = new TreeSet<>();
        value.findValues("Ref").forEach(r -> refers.add(r.asText()));
        value.findValues("Fn::GetAtt").forEach(g -> refers.add(g.isArray() ? g.path(0).asText() : g.asText()));
        return "${unresolved:" + function + (refers.isEmpty() ? "" : " of " + String.join(",", refers)) + "}";
    }

    /** The key of the {@code type} resource a resolved {@code Ref} or {@code Fn::GetAtt Arn} names. */
    private String keyOf(String resolved, String type) {
        Matcher m = RESOURCE_PLACEHOLDER.matcher(resolved);
        if (!m.matches() || !resources.containsKey(m.group(1)) || !resources.get(m.group(1)).type().equals(type)) {
            throw new IllegalStateException("not a " + type + " of the app: " + resolved);
        }
        return m.group(1);
    }

    private static String lowerFirst(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
