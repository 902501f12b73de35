package dev.refarch.realtime.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One policy statement as the policy export writes it ({@code id}, {@code effect},
 * {@code action}/{@code notAction}, {@code resource}/{@code notResource}, {@code principal} for
 * resource policies, {@code condition}), with its placeholders ({@code ${api/ReviewsTable/Resource.Arn}},
 * {@code ${AWS::Region}}) substituted once the model is bound. A placeholder left unbound stays in
 * the text and is listed in {@link #unbound()}, so the evaluator can fail closed on it.
 */
public final class Statement {

    /** Allow or Deny. */
    public enum Effect { ALLOW, DENY }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private final String id;
    private final Effect effect;
    private final List<String> actions;
    private final boolean notAction;
    private final List<String> resources;
    private final boolean notResource;
    private final Map<String, List<String>> principals;
    private final Map<String, Map<String, List<String>>> conditions;
    private final List<String> unbound;

    private Statement(String id, Effect effect, List<String> actions, boolean notAction, List<String> resources,
                      boolean notResource, Map<String, List<String>> principals,
                      Map<String, Map<String, List<String>>> conditions, List<String> unbound) {
        this.id = id;
        this.effect = effect;
        this.actions = List.copyOf(actions);
        this.notAction = notAction;
        this.resources = List.copyOf(resources);
        this.notResource = notResource;
        this.principals = Collections.unmodifiableMap(new LinkedHashMap<>(principals));
        this.conditions = Collections.unmodifiableMap(new LinkedHashMap<>(conditions));
        this.unbound = List.copyOf(unbound);
    }

    /** Reads a statement of the export; every string keeps its placeholders until {@link #substitute}. */
    static Statement parse(JsonNode json) {
        String id = text(json, "id");
        String effectText = text(json, "effect");
        Effect effect = switch (effectText) {
            case "Allow" -> Effect.ALLOW;
            case "Deny" -> Effect.DENY;
            default -> throw new IllegalArgumentException("statement " + id + ": effect " + effectText);
        };
        boolean notAction = json.has("notAction");
        boolean notResource = json.has("notResource");
        List<String> actions = strings(json.path(notAction ? "notAction" : "action"));
        List<String> resources = strings(json.path(notResource ? "notResource" : "resource"));
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("statement " + id + " has no action or notAction");
        }
        Map<String, List<String>> principals = new LinkedHashMap<>();
        json.path("principal").properties().forEach(e -> principals.put(e.getKey(), strings(e.getValue())));
        Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();
        json.path("condition").properties().forEach(op -> {
            Map<String, List<String>> keys = new LinkedHashMap<>();
            op.getValue().properties().forEach(key -> keys.put(key.getKey(), strings(key.getValue())));
            conditions.put(op.getKey(), keys);
        });
        return new Statement(id, effect, actions, notAction, resources, notResource, principals, conditions, List.of())
                .substitute(placeholder -> null);
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException("statement without a text " + field + ": " + json);
        }
        return node.asText();
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> values.add(v.asText()));
        } else if (node.isValueNode() && !node.isNull()) {
            values.add(node.asText());
        }
        return values;
    }

    /**
     * This statement with every {@code ${name}} replaced by {@code values.apply(name)}; a name it
     * gives null for stays as written and is listed in {@link #unbound()}.
     */
    Statement substitute(Function<String, String> values) {
        Set<String> missing = new LinkedHashSet<>();
        Function<String, String> one = text -> substitute(text, values, missing);
        Function<List<String>, List<String>> all = list -> list.stream().map(one).toList();
        Map<String, List<String>> boundPrincipals = new LinkedHashMap<>();
        principals.forEach((type, list) -> boundPrincipals.put(type, all.apply(list)));
        Map<String, Map<String, List<String>>> boundConditions = new LinkedHashMap<>();
        conditions.forEach((op, keys) -> {
            Map<String, List<String>> boundKeys = new LinkedHashMap<>();
            keys.forEach((key, list) -> boundKeys.put(key, all.apply(list)));
            boundConditions.put(op, boundKeys);
        });
        return new Statement(id, effect, all.apply(actions), notAction, all.apply(resources), notResource,
                boundPrincipals, boundConditions, List.copyOf(missing));
    }

    /**
     * This statement without {@code action} among its {@code Action}s (a test taking one permission
     * away); null when it was the only one. A {@code NotAction} statement is returned unchanged.
     */
    Statement withoutAction(String action) {
        if (notAction) {
            return this;
        }
        List<String> fewer = actions.stream().filter(a -> !a.equalsIgnoreCase(action)).toList();
        return fewer.isEmpty() ? null
                : new Statement(id, effect, fewer, false, resources, notResource, principals, conditions, unbound);
    }

    /** Replaces the placeholders of one string; the unbound ones stay and are added to {@code missing}. */
    static String substitute(String text, Function<String, String> values, Set<String> missing) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.apply(m.group(1));
            if (value == null) {
                missing.add(m.group());
                value = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The export's id, {@code <policy name>#<index>}. */
    public String id() {
        return id;
    }

    public Effect effect() {
        return effect;
    }

    /** The {@code Action} patterns, or the {@code NotAction} ones when {@link #notAction()}. */
    public List<String> actions() {
        return actions;
    }

    public boolean notAction() {
        return notAction;
    }

    /** The {@code Resource} patterns, or the {@code NotResource} ones when {@link #notResource()}. */
    public List<String> resources() {
        return resources;
    }

    public boolean notResource() {
        return notResource;
    }

    /** A resource policy's principals by type ({@code AWS}, {@code Service}); empty in identity policies. */
    public Map<String, List<String>> principals() {
        return principals;
    }

    /** Operator to condition key to values, as written. */
    public Map<String, Map<String, List<String>>> conditions() {
        return conditions;
    }

    /** The placeholders the binding did not resolve ({@code ${api/Api/Resource.ApiId}}); empty when bound. */
    public List<String> unbound() {
        return unbound;
    }

    @Override
    public String toString() {
        return id + " " + effect + (notAction ? " NotAction " : " ") + actions
                + (notResource ? " NotResource " : " ") + resources
                + (principals.isEmpty() ? "" : " Principal " + principals)
                + (conditions.isEmpty() ? "" : " Condition " + conditions);
    }
}
