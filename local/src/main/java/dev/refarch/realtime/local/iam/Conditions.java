package dev.refarch.realtime.local.iam;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A statement's {@code Condition} block against a request's context keys, with the operators and
 * keys the templates use (and their close relatives), as IAM defines them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html):
 * every operator and every key must hold (AND), any one value of a key suffices (OR) and a negated
 * operator holds when no value matches; a key missing from the request fails a positive operator,
 * passes a negated one and passes any {@code ...IfExists}. An operator or key the gateway does not
 * know is reported, not guessed: the evaluator fails closed on it.
 */
final class Conditions {

    /** Condition keys the gateway knows how to fill (lower case; IAM compares key names ignoring case). */
    static final Set<String> KNOWN_KEYS = Set.of("aws:securetransport", "aws:sourcearn", "aws:sourceaccount",
            "aws:principalarn", "aws:principalaccount", "aws:requestedregion", "kms:viaservice", "kms:calleraccount");

    private enum Operator {
        STRING_EQUALS, STRING_NOT_EQUALS, STRING_EQUALS_IGNORE_CASE, STRING_NOT_EQUALS_IGNORE_CASE,
        STRING_LIKE, STRING_NOT_LIKE, ARN_EQUALS, ARN_LIKE, ARN_NOT_EQUALS, ARN_NOT_LIKE, BOOL, NULL;

        boolean negated() {
            return this == STRING_NOT_EQUALS || this == STRING_NOT_EQUALS_IGNORE_CASE || this == STRING_NOT_LIKE
                    || this == ARN_NOT_EQUALS || this == ARN_NOT_LIKE;
        }

        static Optional<Operator> of(String name) {
            return Optional.ofNullable(switch (name) {
                case "StringEquals" -> STRING_EQUALS;
                case "StringNotEquals" -> STRING_NOT_EQUALS;
                case "StringEqualsIgnoreCase" -> STRING_EQUALS_IGNORE_CASE;
                case "StringNotEqualsIgnoreCase" -> STRING_NOT_EQUALS_IGNORE_CASE;
                case "StringLike" -> STRING_LIKE;
                case "StringNotLike" -> STRING_NOT_LIKE;
                case "ArnEquals" -> ARN_EQUALS;
                case "ArnLike" -> ARN_LIKE;
                case "ArnNotEquals" -> ARN_NOT_EQUALS;
                case "ArnNotLike" -> ARN_NOT_LIKE;
                case "Bool" -> BOOL;
                case "Null" -> NULL;
                default -> null;
            });
        }
    }

    /**
     * The outcome of a condition block.
     *
     * @param holds       whether every condition holds (false when unsupported)
     * @param unsupported what the gateway cannot evaluate (an operator or key), empty when none
     */
    record Result(boolean holds, Optional<String> unsupported) {
    }

    private Conditions() {
    }

    /**
     * Whether {@code conditions} hold for {@code context} (keys lower case). A condition the gateway
     * cannot evaluate is reported only when every other one holds: one that fails decides the AND
     * whatever the unknown one would say.
     */
    static Result evaluate(Map<String, Map<String, List<String>>> conditions, Map<String, String> context) {
        Optional<String> unsupported = Optional.empty();
        for (Map.Entry<String, Map<String, List<String>>> block : conditions.entrySet()) {
            String name = block.getKey();
            boolean ifExists = name.endsWith("IfExists");
            Optional<Operator> operator = Operator.of(ifExists ? name.substring(0, name.length() - 8) : name);
            if (operator.isEmpty() || (ifExists && operator.get() == Operator.NULL)) {
                unsupported = unsupported.or(() -> Optional.of("condition operator " + name));
                continue;
            }
            for (Map.Entry<String, List<String>> key : block.getValue().entrySet()) {
                String keyName = key.getKey().toLowerCase(Locale.ROOT);
                if (!KNOWN_KEYS.contains(keyName)) {
                    unsupported = unsupported.or(() -> Optional.of("condition key " + key.getKey()));
                } else if (!holds(operator.get(), ifExists, context.get(keyName), key.getValue())) {
                    return new Result(false, Optional.empty());
                }
            }
        }
        return new Result(unsupported.isEmpty(), unsupported);
    }

    private static boolean holds(Operator operator, boolean ifExists, String actual, List<String> values) {
        if (operator == Operator.NULL) {
            return values.stream().anyMatch(v -> Boolean.parseBoolean(v) == (actual == null));
        }
        if (actual == null) {
            return ifExists || operator.negated();
        }
        boolean any = values.stream().anyMatch(v -> matches(operator, v, actual));
        return operator.negated() != any;
    }

    private static boolean matches(Operator operator, String expected, String actual) {
        return switch (operator) {
            case STRING_EQUALS, STRING_NOT_EQUALS -> expected.equals(actual);
            case STRING_EQUALS_IGNORE_CASE, STRING_NOT_EQUALS_IGNORE_CASE -> expected.equalsIgnoreCase(actual);
            case STRING_LIKE, STRING_NOT_LIKE -> Wildcards.glob(expected, actual);
            case ARN_EQUALS, ARN_LIKE, ARN_NOT_EQUALS, ARN_NOT_LIKE -> Wildcards.arnMatches(expected, actual);
            case BOOL -> expected.equalsIgnoreCase(actual);
            case NULL -> throw new IllegalStateException("Null is decided by presence");
        };
    }
}
