package dev.refarch.realtime.appsync;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The shape of one mutation field that is sent many times in a single request, each time
 * under its own alias: {@code m0: publishTick(tick: $tick0) { symbol } m1: ...}.
 * AppSync runs every aliased field through its resolver, so one HTTP round trip (and one
 * signature) serves a whole batch, and each alias gets its own result or error.
 *
 * @param field        the mutation field, e.g. {@code publishTick}
 * @param argument     its input argument, e.g. {@code tick}
 * @param inputType    the argument's GraphQL type as declared, e.g. {@code TickInput!}
 * @param selection    the fields to select from the result, e.g. {@code symbol timestamp}
 * @param extra        a second, nullable argument passed on every alias (its value may be null),
 *                     e.g. {@code after}; null for none
 * @param extraType    its GraphQL type, nullable (no {@code !}), e.g. {@code Float}; null for none
 */
public record AliasedMutation(String field, String argument, String inputType, String selection, String extra,
        String extraType) {

    private static final Pattern NAME = Pattern.compile("[_A-Za-z][_0-9A-Za-z]*");
    private static final Pattern TYPE = Pattern.compile("\\[?[_A-Za-z][_0-9A-Za-z]*!?]?!?");

    /** Rejects anything that would need escaping, so operation text is built by concatenation safely. */
    public AliasedMutation {
        requireMatch("field", field, NAME);
        requireMatch("argument", argument, NAME);
        requireMatch("inputType", inputType, TYPE);
        if (extra != null || extraType != null) {
            requireMatch("extra", extra, NAME);
            requireMatch("extraType", extraType, TYPE);
            if (extraType.endsWith("!") || extra.equals(argument)) {
                throw new IllegalArgumentException("the extra argument must be nullable and differ from "
                        + argument + ": " + extra + ": " + extraType);
            }
        }
        Objects.requireNonNull(selection, "selection");
        // One line: the operation then needs no JSON escaping beyond ASCII, which keeps the
        // request size estimate exact.
        selection = selection.strip().replaceAll("\\s+", " ");
        if (selection.isEmpty() || selection.contains("\"") || selection.contains("\\")) {
            throw new IllegalArgumentException("selection must be a non-empty field list without quotes: "
                    + selection);
        }
    }

    /** A mutation with its single input argument. */
    public AliasedMutation(String field, String argument, String inputType, String selection) {
        this(field, argument, inputType, selection, null, null);
    }

    /** Whether each alias also takes the {@link #extra} argument. */
    public boolean hasExtra() {
        return extra != null;
    }

    /** The variable name (without {@code $}) of the extra argument of the item at {@code index}. */
    public String extraVariable(int index) {
        return extra + index;
    }

    /** The alias of the item at {@code index} within one request. */
    public static String alias(int index) {
        return "m" + index;
    }

    /** The variable name (without {@code $}) of the item at {@code index} within one request. */
    public String variable(int index) {
        return argument + index;
    }

    /** The operation text for {@code count} aliased fields, {@code m0..m(count-1)}. */
    public String operation(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        StringBuilder declarations = new StringBuilder();
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < count; i++) {
            declarations.append(declaration(i));
            fields.append(aliasedField(i));
        }
        return "mutation " + operationName() + "(" + declarations.toString().strip() + ") {"
                + fields + "}";
    }

    /**
     * The operation text for one field under its own name, without an alias:
     * {@code mutation PublishTick($tick0: TickInput!) { publishTick(tick: $tick0) { symbol } }}. For a
     * publisher configured to one mutation per request: that subscriptions fire for aliased mutation
     * fields is not documented by AppSync, so this form leaves nothing to that question.
     */
    public String unaliasedOperation() {
        return "mutation " + Character.toUpperCase(field.charAt(0)) + field.substring(1) + "(" + declaration(0).strip()
                + ") {" + fieldCall(0) + "}";
    }

    /** GraphQL operation name, so the batch is recognisable in AppSync logs. */
    String operationName() {
        return Character.toUpperCase(field.charAt(0)) + field.substring(1) + "Batch";
    }

    /** Upper bound of the bytes the {@code index}th item adds to the query text. */
    int operationBytesFor(int index) {
        return declaration(index).length() + aliasedField(index).length();
    }

    private String declaration(int index) {
        return "$" + variable(index) + ": " + inputType + " "
                + (hasExtra() ? "$" + extraVariable(index) + ": " + extraType + " " : "");
    }

    private String aliasedField(int index) {
        return " " + alias(index) + ":" + fieldCall(index);
    }

    /** The field with the item's variables (and its extra argument's, when the mutation has one). */
    private String fieldCall(int index) {
        return " " + field + "(" + argument + ": $" + variable(index)
                + (hasExtra() ? ", " + extra + ": $" + extraVariable(index) : "") + ") { " + selection + " }";
    }

    private static void requireMatch(String name, String value, Pattern pattern) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " is not a GraphQL name: " + value);
        }
    }
}
