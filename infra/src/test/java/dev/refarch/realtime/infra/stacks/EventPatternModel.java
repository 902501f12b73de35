package dev.refarch.realtime.infra.stacks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Whether an EventBridge event pattern matches an event, for the operators this app's rules use
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):
 * every field of the pattern must be in the event; an array of values matches when any one does; a
 * value is an exact literal, {@code prefix}, {@code suffix}, {@code exists} or {@code anything-but}
 * (a literal, a list of literals, or {@code {"prefix": ..}} / {@code {"suffix": ..}}). A value
 * that is a CloudFormation intrinsic ({@code Ref}, {@code Fn::ImportValue}...) matches that same
 * intrinsic in the event, which is how a test names "the deployed bucket". Any other operator fails
 * the test rather than guessing.
 */
final class EventPatternModel {

    private EventPatternModel() {
    }

    static boolean matches(JsonNode pattern, JsonNode event) {
        Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = event.get(field.getKey());
            JsonNode expected = field.getValue();
            if (expected.isObject()) {
                if (value == null || !value.isObject() || !matches(expected, value)) {
                    return false;
                }
            } else if (!anyMatches(expected, value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyMatches(JsonNode alternatives, JsonNode value) {
        for (JsonNode alternative : alternatives) {
            if (valueMatches(alternative, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean valueMatches(JsonNode expected, JsonNode value) {
        if (!expected.isObject() || isIntrinsic(expected)) {
            return expected.equals(value);
        }
        if (expected.size() != 1) {
            throw new AssertionError("an operator object has one field: " + expected);
        }
        String operator = expected.fieldNames().next();
        JsonNode argument = expected.get(operator);
        return switch (operator) {
            case "exists" -> argument.asBoolean() == (value != null);
            case "prefix" -> value != null && value.isTextual() && value.asText().startsWith(argument.asText());
            case "suffix" -> value != null && value.isTextual() && value.asText().endsWith(argument.asText());
            case "anything-but" -> value != null && !anythingButExcludes(argument, value);
            default -> throw new AssertionError("operator not modelled here: " + expected);
        };
    }

    private static boolean anythingButExcludes(JsonNode excluded, JsonNode value) {
        if (excluded.isArray()) {
            for (JsonNode one : excluded) {
                if (one.equals(value)) {
                    return true;
                }
            }
            return false;
        }
        if (excluded.isObject()) {
            return valueMatches(excluded, value);
        }
        return excluded.equals(value);
    }

    private static boolean isIntrinsic(JsonNode node) {
        return node.size() == 1 && (node.has("Ref") || node.fieldNames().next().startsWith("Fn::"));
    }
}
