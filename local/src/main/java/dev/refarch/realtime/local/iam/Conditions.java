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
 *
 * <p>Multivalued keys ({@code dynamodb:LeadingKeys}) take the set operators
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html):
 * {@code ForAllValues:} holds when every value of the request matches at least one of the condition's (and
 * also when the request has no value, or no such key), {@code ForAnyValue:} when at least one does (never
 * without a value); a negated operator matches a request value that equals none of the condition's. {@code Null}
 * tests whether the request has any value. A multivalued key under a plain operator, or a set operator with
 * {@code IfExists}, is not evaluated (fails closed), nor is a key the gateway could not read from the request.
 */
final class Conditions {

    /** Condition keys the gateway knows how to fill (lower case; IAM compares key names ignoring case). */
    static final Set<String> KNOWN_KEYS = Set.of("aws:securetransport", "aws:sourcearn", "aws:sourceaccount",
            "aws:principalarn", "aws:principalaccount", "aws:requestedregion", "kms:viaservice", "kms:calleraccount");
    /** Multivalued condition keys the gateway knows how to fill (lower case). */
    static final Set<String> MULTIVALUED_KEYS = Set.of("dynamodb:leadingkeys");

    /** A set operator's qualifier. */
    private enum Qualifier {
        NONE, FOR_ALL_VALUES, FOR_ANY_VALUE
    }

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
        return evaluate(conditions, context, Map.of());
    }

    /**
     * As above, with the request's multivalued keys (lower case): each with its values, or mapped to null
     * when the request carries the key but the gateway could not read it.
     */
    static Result evaluate(Map<String, Map<String, List<String>>> conditions, Map<String, String> context,
                           Map<String, List<String>> multivalued) {
        Optional<String> unsupported = Optional.empty();
        for (Map.Entry<String, Map<String, List<String>>> block : conditions.entrySet()) {
            String name = block.getKey();
            Qualifier qualifier = name.startsWith("ForAllValues:") ? Qualifier.FOR_ALL_VALUES
                    : name.startsWith("ForAnyValue:") ? Qualifier.FOR_ANY_VALUE : Qualifier.NONE;
            String base = qualifier == Qualifier.NONE ? name : name.substring(name.indexOf(':') + 1);
            boolean ifExists = base.endsWith("IfExists");
            Optional<Operator> operator = Operator.of(ifExists ? base.substring(0, base.length() - 8) : base);
            if (operator.isEmpty() || (ifExists && operator.get() == Operator.NULL)
                    || (qualifier != Qualifier.NONE && (ifExists || operator.get() == Operator.NULL))) {
                unsupported = unsupported.or(() -> Optional.of("condition operator " + name));
                continue;
            }
            for (Map.Entry<String, List<String>> key : block.getValue().entrySet()) {
                String keyName = key.getKey().toLowerCase(Locale.ROOT);
                boolean multi = MULTIVALUED_KEYS.contains(keyName);
                if (!KNOWN_KEYS.contains(keyName) && !multi) {
                    unsupported = unsupported.or(() -> Optional.of("condition key " + key.getKey()));
                    continue;
                }
                if (multi && multivalued.containsKey(keyName) && multivalued.get(keyName) == null) {
                    unsupported = unsupported.or(() -> Optional.of("condition key " + key.getKey()
                            + ", which the local IAM gateway could not read from this request"));
                    continue;
                }
                boolean holds;
                if (qualifier != Qualifier.NONE) {
                    List<String> values = multi ? multivalued.getOrDefault(keyName, List.of())
                            : context.containsKey(keyName) ? List.of(context.get(keyName)) : List.of();
                    holds = holdsForSet(operator.get(), qualifier, values, key.getValue());
                } else if (multi && operator.get() == Operator.NULL) {
                    List<String> values = multivalued.getOrDefault(keyName, List.of());
                    holds = key.getValue().stream().anyMatch(v -> Boolean.parseBoolean(v) == values.isEmpty());
                } else if (multi) {
                    unsupported = unsupported.or(() -> Optional.of("condition " + name + " on the multivalued key "
                            + key.getKey() + " without ForAllValues or ForAnyValue"));
                    continue;
                } else {
                    holds = holds(operator.get(), ifExists, context.get(keyName), key.getValue());
                }
                if (!holds) {
                    return new Result(false, Optional.empty());
                }
            }
        }
        return new Result(unsupported.isEmpty(), unsupported);
    }

    /**
     * A set operator: each request value matches when the operator holds for it against the condition's values
     * (any of them; a negated operator: none of them equal); ForAllValues needs every request value to match
     * (so holds for none), ForAnyValue one.
     */
    private static boolean holdsForSet(Operator operator, Qualifier qualifier, List<String> actual, List<String> values) {
        java.util.function.Predicate<String> matches = a -> operator.negated()
                != values.stream().anyMatch(v -> matches(operator, v, a));
        return qualifier == Qualifier.FOR_ALL_VALUES ? actual.stream().allMatch(matches) : actual.stream().anyMatch(matches);
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
