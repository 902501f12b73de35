package dev.refarch.realtime.infra.stacks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * One synthesized CloudFormation template read the way CloudFormation and IAM read it: resources
 * by logical id, the statements that apply to a role (its inline policies and every
 * {@code AWS::IAM::Policy} / {@code AWS::IAM::ManagedPolicy} attached to it), references between
 * resources, and whether a statement allows an action on a resource.
 */
final class CfnModel {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String stackName;
    final JsonNode template;
    final Map<String, JsonNode> resources = new LinkedHashMap<>();

    CfnModel(String stackName, JsonNode template) {
        this.stackName = stackName;
        this.template = template;
        template.path("Resources").fields().forEachRemaining(e -> resources.put(e.getKey(), e.getValue()));
    }

    static CfnModel of(CloudFormationStackArtifact stack) {
        return new CfnModel(stack.getStackName(), JSON.valueToTree(stack.getTemplate()));
    }

    /** A resource attribute one stack gives another: {@code Ref} ({@code attribute} empty) or {@code Fn::GetAtt}. */
    record Produced(String stackName, String logicalId, String attribute) {
    }

    /**
     * The resource attribute a value of this template names: a {@code Ref}/{@code Fn::GetAtt} of
     * its own resources, or a cross-stack value ({@code Fn::ImportValue} of an export, or
     * {@code Fn::GetStackOutput} of an output) traced to the output of {@code app}'s stack that
     * gives it. Empty for anything else.
     */
    Optional<Produced> producer(JsonNode value, List<CfnModel> app) {
        if (value.has("Ref") && resources.containsKey(value.get("Ref").asText())) {
            return Optional.of(new Produced(stackName, value.get("Ref").asText(), ""));
        }
        if (value.has("Fn::GetAtt") && resources.containsKey(value.get("Fn::GetAtt").get(0).asText())) {
            JsonNode getAtt = value.get("Fn::GetAtt");
            return Optional.of(new Produced(stackName, getAtt.get(0).asText(), getAtt.get(1).asText()));
        }
        for (CfnModel other : app) {
            for (Map.Entry<String, JsonNode> output : other.outputs().entrySet()) {
                boolean imported = value.has("Fn::ImportValue")
                        && output.getValue().at("/Export/Name").equals(value.get("Fn::ImportValue"));
                boolean read = value.has("Fn::GetStackOutput")
                        && value.at("/Fn::GetStackOutput/StackName").asText().equals(other.stackName)
                        && value.at("/Fn::GetStackOutput/OutputName").asText().equals(output.getKey());
                if (imported || read) {
                    return other.producer(output.getValue().path("Value"), List.of());
                }
            }
        }
        return Optional.empty();
    }

    /** The template's outputs by name. */
    Map<String, JsonNode> outputs() {
        Map<String, JsonNode> outputs = new LinkedHashMap<>();
        template.path("Outputs").fields().forEachRemaining(e -> outputs.put(e.getKey(), e.getValue()));
        return outputs;
    }

    /** Logical ids of the resources of {@code type}. */
    List<String> ofType(String type) {
        List<String> ids = new ArrayList<>();
        resources.forEach((id, r) -> {
            if (r.path("Type").asText().equals(type)) {
                ids.add(id);
            }
        });
        return ids;
    }

    JsonNode properties(String id) {
        return resources.get(id).path("Properties");
    }

    String type(String id) {
        return resources.containsKey(id) ? resources.get(id).path("Type").asText() : "";
    }

    /** The logical id a {@code Ref} or {@code Fn::GetAtt} names, if it names a resource of this template. */
    Optional<String> referenced(JsonNode value) {
        String id = null;
        if (value.has("Ref")) {
            id = value.get("Ref").asText();
        } else if (value.has("Fn::GetAtt")) {
            id = value.get("Fn::GetAtt").get(0).asText();
        }
        return id != null && resources.containsKey(id) ? Optional.of(id) : Optional.empty();
    }

    /** Whether {@code value} refers to any resource of this template (or to AWS::StackId, unique per stack). */
    boolean refersToADeployedValue(JsonNode value) {
        if (value.isObject()) {
            if (referenced(value).isPresent() || value.path("Ref").asText().equals("AWS::StackId")) {
                return true;
            }
            if (value.has("Fn::GetStackOutput") || value.has("Fn::ImportValue")) {
                return true;
            }
        }
        for (JsonNode child : value) {
            if (refersToADeployedValue(child)) {
                return true;
            }
        }
        return false;
    }

    /** The Allow statements that apply to role {@code roleId}; a managed policy ARN is reported as unknown. */
    List<JsonNode> statementsOf(String roleId) {
        List<JsonNode> statements = new ArrayList<>();
        properties(roleId).path("Policies").forEach(p -> p.at("/PolicyDocument/Statement").forEach(statements::add));
        for (String policy : attachedPolicies(roleId)) {
            properties(policy).at("/PolicyDocument/Statement").forEach(statements::add);
        }
        statements.removeIf(s -> !s.path("Effect").asText().equals("Allow"));
        return statements;
    }

    /** The AWS::IAM::Policy and AWS::IAM::ManagedPolicy resources attached to role {@code roleId}. */
    List<String> attachedPolicies(String roleId) {
        List<String> ids = new ArrayList<>();
        for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
            for (String id : ofType(type)) {
                for (JsonNode role : properties(id).path("Roles")) {
                    if (referenced(role).filter(roleId::equals).isPresent()) {
                        ids.add(id);
                    }
                }
            }
        }
        return ids;
    }

    /** The attached policies of {@code roleId} that allow {@code action} at all. */
    List<String> attachedPoliciesAllowing(String roleId, String action) {
        return attachedPolicies(roleId).stream().filter(p -> {
            List<JsonNode> st = new ArrayList<>();
            properties(p).at("/PolicyDocument/Statement").forEach(st::add);
            return allows(st, action, r -> true);
        }).toList();
    }

    /** Whether {@code roleId}'s own inline policies allow {@code action}. */
    boolean inlineAllows(String roleId, String action) {
        List<JsonNode> st = new ArrayList<>();
        properties(roleId).path("Policies").forEach(p -> p.at("/PolicyDocument/Statement").forEach(st::add));
        return allows(st, action, r -> true);
    }

    /** Whether some statement allows {@code action} on a resource {@code resource} accepts. */
    static boolean allows(List<JsonNode> statements, String action, Predicate<JsonNode> resource) {
        for (JsonNode statement : statements) {
            if (!statement.path("Effect").asText("Allow").equals("Allow")) {
                continue;
            }
            if (list(statement.path("Action")).stream().anyMatch(a -> actionMatches(a.asText(), action))
                    && list(statement.path("Resource")).stream().anyMatch(resource)) {
                return true;
            }
        }
        return false;
    }

    /** All resources of the statements allowing {@code action}. */
    static List<JsonNode> resourcesAllowed(List<JsonNode> statements, String action) {
        List<JsonNode> resources = new ArrayList<>();
        for (JsonNode statement : statements) {
            if (list(statement.path("Action")).stream().anyMatch(a -> actionMatches(a.asText(), action))) {
                resources.addAll(list(statement.path("Resource")));
            }
        }
        return resources;
    }

    static boolean actionMatches(String pattern, String action) {
        String regex = Pattern.quote(pattern.toLowerCase(Locale.ROOT)).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
        return action.toLowerCase(Locale.ROOT).matches(regex);
    }

    static List<JsonNode> list(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            items.add(node);
        }
        return items;
    }

    static boolean isStar(JsonNode resource) {
        return resource.isTextual() && resource.asText().equals("*");
    }

    /** {@code *}, the value itself, or an ARN built from it by Fn::Join with nothing after it. */
    static Predicate<JsonNode> exactly(JsonNode value) {
        return r -> isStar(r) || r.equals(value);
    }

    /** {@code *}, or a joined ARN whose text ends in {@code :<type>/} followed by {@code id}, or {@code :<type>/*}. */
    static Predicate<JsonNode> ec2Resource(String type, JsonNode id) {
        return r -> {
            if (isStar(r)) {
                return true;
            }
            List<JsonNode> parts = joinParts(r);
            for (int i = 0; i < parts.size(); i++) {
                String text = parts.get(i).isTextual() ? parts.get(i).asText() : "";
                if (text.endsWith(":" + type + "/*") && i == parts.size() - 1) {
                    return true;
                }
                if (text.endsWith(":" + type + "/") && i + 1 < parts.size() && parts.get(i + 1).equals(id)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** {@code *}, or {@code <bucketArn>/*}: every object of the bucket. */
    static Predicate<JsonNode> objectsOf(JsonNode bucketArn) {
        return r -> {
            if (isStar(r)) {
                return true;
            }
            List<JsonNode> parts = joinParts(r);
            return parts.size() == 2 && parts.get(0).equals(bucketArn) && parts.get(1).asText().equals("/*");
        };
    }

    static List<JsonNode> joinParts(JsonNode value) {
        JsonNode join = value.path("Fn::Join");
        return join.isArray() && join.get(0).asText().isEmpty() ? list(join.get(1)) : List.of(value);
    }

    /** Every {@code Ref}/{@code Fn::GetAtt} of {@code id} inside {@code node}. */
    static boolean mentions(JsonNode node, String id) {
        if (node.isObject()) {
            if (node.path("Ref").asText().equals(id)) {
                return true;
            }
            JsonNode getAtt = node.path("Fn::GetAtt");
            if (getAtt.isArray() && getAtt.get(0).asText().equals(id)) {
                return true;
            }
        }
        if (node.isTextual()) {
            // Fn::Sub strings name resources as ${Id} or ${Id.Arn}.
            return node.asText().contains("${" + id + "}") || node.asText().contains("${" + id + ".");
        }
        for (JsonNode child : node) {
            if (mentions(child, id)) {
                return true;
            }
        }
        return false;
    }
}
