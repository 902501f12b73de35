package dev.refarch.realtime.infra.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.stacks.DeployPreflightTest.Deployment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every alarm of the synthesized app watches a series its emitter publishes: an AWS service's metric
 * under a name and dimension set that service documents (the table below, with its pages), or one
 * of our functions' metrics under the namespace and dimensions their Powertools configuration (the
 * function environment in the template) gives them. An alarm on a series nobody publishes never has
 * data and, missing data not breaching, stays OK forever.
 */
class AlarmMetricsRulesTest {

    /** One documented metric: its namespace, name and the dimension sets it is published with. */
    private record Documented(String namespace, String metric, Set<Set<String>> dimensionSets) {
    }

    private static final List<Documented> AWS_METRICS = List.of(
            // https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html ("CloudWatch metrics": 4XXError,
            // 5XXError and Latency per API; Requests "that all APIs in your account have processed, by Region")
            // and https://docs.aws.amazon.com/appsync/latest/APIReference/API_EnhancedMetricsConfig.html (per API id)
            new Documented("AWS/AppSync", "4XXError", Set.of(Set.of("GraphQLAPIId"))),
            new Documented("AWS/AppSync", "5XXError", Set.of(Set.of("GraphQLAPIId"))),
            new Documented("AWS/AppSync", "Latency", Set.of(Set.of("GraphQLAPIId"))),
            new Documented("AWS/AppSync", "Requests", Set.of(Set.of())),
            // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html (invocation, performance and
            // event source mapping metrics, OffsetLag for Kafka at topic level) and
            // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-view.html (dimensions FunctionName,
            // Resource, ExecutedVersion)
            new Documented("AWS/Lambda", "Errors", Set.of(Set.of("FunctionName"), Set.of("FunctionName", "Resource"))),
            new Documented("AWS/Lambda", "Throttles", Set.of(Set.of("FunctionName"), Set.of("FunctionName", "Resource"))),
            new Documented("AWS/Lambda", "Duration", Set.of(Set.of("FunctionName"), Set.of("FunctionName", "Resource"))),
            new Documented("AWS/Lambda", "OffsetLag", Set.of(Set.of("FunctionName"))),
            // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
            // (the only dimension: QueueName)
            new Documented("AWS/SQS", "ApproximateNumberOfMessagesVisible", Set.of(Set.of("QueueName"))));

    static Stream<Deployment> deployments() {
        return DeployPreflightTest.deployments();
    }

    /** A metric one alarm reads: where it is, its namespace, name and dimensions (values as in the template). */
    private record Watched(String where, String namespace, String metric, Map<String, JsonNode> dimensions) {
        Set<String> dimensionNames() {
            return new TreeSet<>(dimensions.keySet());
        }
    }

    private static List<Watched> watched(List<CfnModel> stacks) {
        List<Watched> watched = new ArrayList<>();
        for (CfnModel stack : stacks) {
            for (String alarm : stack.ofType("AWS::CloudWatch::Alarm")) {
                JsonNode p = stack.properties(alarm);
                String where = stack.stackName + "/" + alarm;
                if (p.has("MetricName")) {
                    watched.add(new Watched(where, p.path("Namespace").asText(), p.path("MetricName").asText(),
                            dimensions(p.path("Dimensions"))));
                }
                for (JsonNode query : p.path("Metrics")) {
                    JsonNode metric = query.at("/MetricStat/Metric");
                    if (!metric.isMissingNode()) {
                        watched.add(new Watched(where + " (" + query.path("Id").asText() + ")",
                                metric.path("Namespace").asText(), metric.path("MetricName").asText(),
                                dimensions(metric.path("Dimensions"))));
                    }
                }
            }
        }
        return watched;
    }

    private static Map<String, JsonNode> dimensions(JsonNode list) {
        Map<String, JsonNode> dimensions = new TreeMap<>();
        list.forEach(d -> dimensions.put(d.path("Name").asText(), d.path("Value")));
        return dimensions;
    }

    /** Each function's Powertools metrics configuration as the template sets it: namespace and service name. */
    private static List<Map<String, String>> functionMetrics(List<CfnModel> stacks) {
        List<Map<String, String>> functions = new ArrayList<>();
        for (CfnModel stack : stacks) {
            for (String function : stack.ofType("AWS::Lambda::Function")) {
                JsonNode env = stack.properties(function).at("/Environment/Variables");
                if (env.has("POWERTOOLS_METRICS_NAMESPACE")) {
                    functions.add(Map.of("namespace", env.path("POWERTOOLS_METRICS_NAMESPACE").asText(),
                            "service", env.path("POWERTOOLS_SERVICE_NAME").asText()));
                }
            }
        }
        return functions;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void everyAlarmWatchesASeriesItsEmitterPublishes(Deployment deployment) {
        List<CfnModel> stacks = deployment.stacks();
        List<Map<String, String>> functions = functionMetrics(stacks);
        List<String> problems = new ArrayList<>();
        List<Watched> all = watched(stacks);
        for (Watched w : all) {
            if (w.namespace().startsWith("AWS/")) {
                boolean documented = AWS_METRICS.stream().anyMatch(d -> d.namespace().equals(w.namespace())
                        && d.metric().equals(w.metric()) && d.dimensionSets().contains(w.dimensionNames()));
                if (!documented) {
                    problems.add(w.where() + ": " + w.namespace() + " " + w.metric() + " by " + w.dimensionNames()
                            + " is not a series the service documents");
                }
                continue;
            }
            // Our functions' metrics: Powertools publishes them with the one dimension Service.
            JsonNode service = w.dimensions().get(Functions.SERVICE_DIMENSION);
            boolean emitted = w.dimensionNames().equals(Set.of(Functions.SERVICE_DIMENSION)) && service.isTextual()
                    && functions.stream().anyMatch(f -> f.get("namespace").equals(w.namespace())
                    && f.get("service").equals(service.asText()));
            if (!emitted) {
                problems.add(w.where() + ": " + w.namespace() + " " + w.metric() + " by " + w.dimensions()
                        + " is no function's metrics configuration " + functions);
            }
        }
        // The 5xx rate, the lag, the rotations, the ticks, the functions' errors and the failure queues.
        assertTrue(all.size() >= (deployment.streaming() ? 25 : 12), "metrics watched: " + all.size());
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /**
     * dev and prod deployed in one account and Region: no alarm of one watches a series of our metrics
     * the other writes, so a healthy prod cannot hold dev's "rotations stopped" in OK.
     */
    @Test
    void twoStagesInOneAccountAlarmOnSeriesOfTheirOwn() {
        Deployment dev = deployments().filter(d -> !d.prod() && d.streaming()).findFirst().orElseThrow();
        Deployment prod = deployments().filter(d -> d.prod() && d.streaming()).findFirst().orElseThrow();
        Set<String> devSeries = customSeries(dev.stacks());
        Set<String> shared = new HashSet<>(customSeries(prod.stacks()));
        shared.retainAll(devSeries);

        assertTrue(devSeries.size() >= 3, "series of our metrics in dev's alarms: " + devSeries);
        assertEquals(Set.of(), shared, "series both stages' alarms watch");
    }

    private static Set<String> customSeries(List<CfnModel> stacks) {
        Set<String> series = new TreeSet<>();
        for (Watched w : watched(stacks)) {
            if (!w.namespace().startsWith("AWS/")) {
                series.add(w.namespace() + " " + w.metric() + " " + w.dimensions());
            }
        }
        return series;
    }
}
