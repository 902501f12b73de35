package dev.refarch.realtime.local.iam;

import graphql.language.AstPrinter;
import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Node;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.SourceLocation;
import graphql.language.VariableDefinition;
import graphql.language.VariableReference;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operation of a GraphQL request as AppSync authorizes it with IAM: each top-level field of the
 * selected operation (fragments and inline fragments at the top level expanded, aliases kept) needs
 * {@code appsync:GraphQL} on {@code .../types/<Query|Mutation|Subscription>/fields/<field>}
 * (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#aws-iam-authorization),
 * and a field the caller may not use resolves to null with an {@code Unauthorized} error while the
 * others run. {@link #without} gives the document with the refused fields taken out, so only the
 * allowed ones reach the server.
 */
public final class GraphqlOperation {

    /**
     * A top-level field.
     *
     * @param resultKey its key in {@code data}: the alias, or the name
     * @param type      the root type ({@code Query}, {@code Mutation}, {@code Subscription})
     * @param name      the field's name
     * @param line      where it is in the document (1-based)
     * @param column    where it is in the document (1-based)
     */
    public record TopLevelField(String resultKey, String type, String name, int line, int column) {
    }

    private final Document document;
    private final OperationDefinition operation;
    private final Map<String, FragmentDefinition> fragments;
    private final List<Field> fields;

    private GraphqlOperation(Document document, OperationDefinition operation,
                             Map<String, FragmentDefinition> fragments) {
        this.document = document;
        this.operation = operation;
        this.fragments = fragments;
        this.fields = new ArrayList<>();
        flatten(operation.getSelectionSet(), new HashSet<>(), fields);
    }

    /**
     * Parses {@code query} and picks the operation {@code operationName} names (or the only one).
     *
     * @throws IllegalArgumentException when the document does not parse or names no such operation
     */
    public static GraphqlOperation parse(String query, String operationName) {
        Document document;
        try {
            document = Parser.parse(query);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("the GraphQL document does not parse: " + e.getMessage(), e);
        }
        Map<String, FragmentDefinition> fragments = new LinkedHashMap<>();
        List<OperationDefinition> operations = new ArrayList<>();
        for (Definition<?> definition : document.getDefinitions()) {
            if (definition instanceof FragmentDefinition f) {
                fragments.put(f.getName(), f);
            } else if (definition instanceof OperationDefinition o) {
                operations.add(o);
            }
        }
        List<OperationDefinition> chosen = operationName == null || operationName.isEmpty() ? operations
                : operations.stream().filter(o -> operationName.equals(o.getName())).toList();
        if (chosen.size() != 1) {
            throw new IllegalArgumentException(operationName == null || operationName.isEmpty()
                    ? "the document has " + operations.size() + " operations and the request names none"
                    : "the document has no operation " + operationName);
        }
        return new GraphqlOperation(document, chosen.get(0), fragments);
    }

    /** {@code Query}, {@code Mutation} or {@code Subscription}. */
    public String typeName() {
        return switch (operation.getOperation()) {
            case QUERY -> "Query";
            case MUTATION -> "Mutation";
            case SUBSCRIPTION -> "Subscription";
        };
    }

    /** The top-level fields in document order, introspection fields ({@code __typename}) left out. */
    public List<TopLevelField> fields() {
        List<TopLevelField> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.getName().startsWith("__")) {
                continue;
            }
            SourceLocation at = f.getSourceLocation();
            out.add(new TopLevelField(f.getResultKey(), typeName(), f.getName(), at == null ? 0 : at.getLine(),
                    at == null ? 0 : at.getColumn()));
        }
        return out;
    }

    /**
     * The document with the top-level fields of these result keys taken out of the operation (its
     * top-level fragments expanded), and the variables and fragments nothing uses any more removed,
     * so it still validates; other operations of the document are dropped.
     */
    public String without(Set<String> resultKeys) {
        List<Selection> kept = new ArrayList<>();
        for (Field f : fields) {
            if (!resultKeys.contains(f.getResultKey())) {
                kept.add(f);
            }
        }
        SelectionSet selections = SelectionSet.newSelectionSet(kept).build();
        Set<String> usedFragments = new HashSet<>();
        Set<String> usedVariables = new HashSet<>();
        collect(selections, usedFragments, usedVariables);
        List<VariableDefinition> variables = operation.getVariableDefinitions().stream()
                .filter(v -> usedVariables.contains(v.getName())).toList();
        OperationDefinition smaller = operation.transform(b -> b.selectionSet(selections)
                .variableDefinitions(variables));
        List<Definition> definitions = new ArrayList<>();
        definitions.add(smaller);
        fragments.values().stream().filter(f -> usedFragments.contains(f.getName())).forEach(definitions::add);
        return AstPrinter.printAst(document.transform(b -> b.definitions(definitions)));
    }

    /** The fields of a top-level selection set, fragments expanded (a fragment spread twice counts once). */
    private void flatten(SelectionSet set, Set<String> seen, List<Field> out) {
        for (Selection<?> selection : set.getSelections()) {
            if (selection instanceof Field f) {
                out.add(f);
            } else if (selection instanceof InlineFragment inline) {
                flatten(inline.getSelectionSet(), seen, out);
            } else if (selection instanceof FragmentSpread spread) {
                FragmentDefinition fragment = fragments.get(spread.getName());
                if (fragment == null) {
                    throw new IllegalArgumentException("the document uses fragment " + spread.getName()
                            + " without defining it");
                }
                if (seen.add(fragment.getName())) {
                    flatten(fragment.getSelectionSet(), seen, out);
                }
            }
        }
    }

    /** The fragments and variables a node uses, through the fragments it spreads. */
    private void collect(Node<?> node, Set<String> usedFragments, Set<String> usedVariables) {
        if (node instanceof VariableReference v) {
            usedVariables.add(v.getName());
        }
        if (node instanceof FragmentSpread spread && usedFragments.add(spread.getName())) {
            FragmentDefinition fragment = fragments.get(spread.getName());
            if (fragment != null) {
                collect(fragment, usedFragments, usedVariables);
            }
        }
        for (Node<?> child : node.getChildren()) {
            collect(child, usedFragments, usedVariables);
        }
    }
}
