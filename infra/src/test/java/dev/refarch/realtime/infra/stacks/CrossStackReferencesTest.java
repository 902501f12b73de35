package dev.refarch.realtime.infra.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.infra.TestApps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * How the stacks take values from each other. A stack deployed with a value another stack gave it
 * must never keep an old one silently: every cross-stack value is an {@code Fn::ImportValue} of an
 * export named after the producing resource and attribute. CloudFormation refuses to change or
 * remove an export while a stack imports it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html),
 * so a replaced API, table or key either changes the export's name (and with it every template that
 * imports it) or fails the producing stack's update loudly. A weak reference
 * ({@code Fn::GetStackOutput}) is resolved only when the consuming stack itself is updated, and
 * {@code cdk deploy} skips a stack whose template is unchanged.
 */
class CrossStackReferencesTest {

    private static List<CfnModel> stacks(App app) {
        List<CfnModel> stacks = new ArrayList<>();
        for (CloudFormationStackArtifact stack : app.synth().getStacks()) {
            stacks.add(CfnModel.of(stack));
        }
        return stacks;
    }

    @ParameterizedTest(name = "streaming {0}")
    @ValueSource(strings = {"on", "off"})
    void everyCrossStackValueIsAnImportOfAnExportBoundToItsProducingResource(String streaming) {
        List<CfnModel> stacks = stacks(TestApps.app(streaming.equals("on") ? Map.of() : Map.of("streaming", "off")));
        Map<String, List<String>> exporters = new TreeMap<>();
        for (CfnModel stack : stacks) {
            stack.outputs().forEach((name, output) -> {
                if (output.has("Export")) {
                    exporters.computeIfAbsent(output.at("/Export/Name").asText(), k -> new ArrayList<>())
                            .add(stack.stackName + "/" + name);
                }
            });
        }
        List<String> problems = new ArrayList<>();
        Set<String> importers = new TreeSet<>();
        int imports = 0;
        for (CfnModel stack : stacks) {
            List<JsonNode> weak = new ArrayList<>();
            List<JsonNode> imported = new ArrayList<>();
            walk(stack.template, node -> {
                if (node.has("Fn::GetStackOutput")) {
                    weak.add(node);
                }
                if (node.has("Fn::ImportValue")) {
                    imported.add(node);
                }
            });
            weak.forEach(w -> problems.add(stack.stackName + ": weak reference " + w));
            for (JsonNode value : imported) {
                imports++;
                importers.add(stack.stackName);
                JsonNode name = value.get("Fn::ImportValue");
                List<String> exportedBy = name.isTextual() ? exporters.getOrDefault(name.asText(), List.of()) : List.of();
                if (exportedBy.size() != 1) {
                    problems.add(stack.stackName + ": imports " + name + ", exported by " + exportedBy);
                    continue;
                }
                CfnModel.Produced producer = stack.producer(value, stacks).orElse(null);
                if (producer == null) {
                    problems.add(stack.stackName + ": " + name + " is not a Ref or GetAtt of a resource of its stack");
                    continue;
                }
                // The name carries the logical id and attribute: a replaced resource under a new id is a new
                // export (every importer's template changes); under the same id CloudFormation refuses the change.
                String bound = producer.logicalId() + producer.attribute().replace(".", "");
                if (producer.stackName().equals(stack.stackName) || !name.asText().startsWith(producer.stackName() + ":")
                        || !name.asText().contains(bound)) {
                    problems.add(stack.stackName + ": export " + name + " is not named after " + producer);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        Set<String> expected = new TreeSet<>(List.of("realtime-refarch-dev-web", "realtime-refarch-dev-movies",
                "realtime-refarch-dev-observability"));
        if (streaming.equals("on")) {
            expected.add("realtime-refarch-dev-streaming");
        }
        assertEquals(expected, importers, "the stacks that take values from others");
        assertTrue(imports >= (streaming.equals("on") ? 40 : 20), "imports: " + imports);
    }

    /**
     * A replaced GraphQL API (a new logical id: CloudFormation creates the new one and deletes the
     * old) changes the template of every stack that uses one of its values, so {@code cdk deploy --all}
     * updates each of them with the new value, in dependency order.
     */
    @Test
    void aReplacedApiChangesEveryTemplateThatUsesIt() {
        List<CfnModel> before = stacks(TestApps.app(Map.of()));
        App replaced = TestApps.freshApp(Map.of());
        ApiStack api = (ApiStack) TestApps.stack(replaced, "realtime-refarch-dev-api");
        CfnResource graphqlApi = (CfnResource) api.api().api().getNode().getDefaultChild();
        String oldId = api.resolve(graphqlApi.getLogicalId()).toString();
        graphqlApi.overrideLogicalId("ReplacedGraphQLApi");
        List<CfnModel> after = stacks(replaced);

        int users = 0;
        for (CfnModel old : before) {
            if (old.stackName.equals("realtime-refarch-dev-api")) {
                continue;
            }
            boolean usesTheApi = old.template.toString().contains(oldId);
            CfnModel now = after.stream().filter(s -> s.stackName.equals(old.stackName)).findFirst().orElseThrow();
            if (usesTheApi) {
                users++;
                assertNotEquals(old.template, now.template, old.stackName + " uses the API and must change with it");
                assertTrue(now.template.toString().contains("ReplacedGraphQLApi"), old.stackName);
            } else {
                assertEquals(old.template, now.template, old.stackName + " does not use the API");
            }
        }
        // web (CSP, config.json), movies (rotator), streaming (consumer), observability (alarms, WAF).
        assertEquals(4, users, "stacks using the API");
    }

    private static void walk(JsonNode node, Consumer<JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(node);
        }
        node.forEach(child -> walk(child, visit));
    }
}
