package dev.refarch.realtime.infra.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.infra.TestApps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class MoviesStackTest {

    private static Template template;
    private static JsonNode json;

    @BeforeAll
    static void synth() {
        template = movies(Map.of());
        json = new ObjectMapper().valueToTree(template.toJSON());
    }

    private static Template movies(Map<String, Object> context) {
        return Template.fromStack(TestApps.stack(TestApps.app(context), "realtime-refarch-dev-movies"));
    }

    @Test
    void rotatorRunsOnJava25Arm64WithSnapStartAndActiveTracing() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Runtime", "java25",
                "Architectures", List.of("arm64"),
                "Handler", "dev.refarch.realtime.rotator.MovieRotatorHandler::handleRequest",
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "TracingConfig", Map.of("Mode", "Active"),
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "TMDB_SECRET_ARN", Map.of("Ref", Match.stringLikeRegexp("TmdbSecret.*")),
                        "REVIEWS_TABLE", Match.anyValue(),
                        "MOVIES_TABLE", Match.anyValue(),
                        "GRAPHQL_URL", Match.anyValue(),
                        "POWERTOOLS_SERVICE_NAME", "realtime-refarch-dev-movie-rotator"))))));
        template.hasResourceProperties("AWS::Lambda::Alias", Match.objectLike(Map.of(
                "Name", "live",
                "FunctionVersion", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("MovieRotatorFunctionCurrentVersion.*"), "Version")))));
    }

    @Test
    void secretStartsEmptySoNoKeyIsEverInTheTemplate() {
        template.hasResourceProperties("AWS::SecretsManager::Secret", Match.objectLike(Map.of(
                "SecretString", "{\"tmdbApiKey\":\"\"}")));
        template.hasOutput(MoviesStack.TMDB_SECRET_OUTPUT, Match.anyValue());
    }

    @Test
    void tenSecondCadenceRunsSixRotationsPerMinuteInAnExpressStateMachine() {
        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(1 minute)",
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", Match.stringLikeRegexp("RotationScheduleStateMachine.*"))))))));
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Match.objectLike(Map.of(
                "StateMachineType", "EXPRESS",
                "TracingConfiguration", Map.of("Enabled", true),
                "LoggingConfiguration", Match.objectLike(Map.of("Level", "ALL", "IncludeExecutionData", false)))));
        JsonNode definition = definition(json);
        assertEquals(6, countStates(definition, "Task"));
        assertEquals(5, countStates(definition, "Wait"));
        // JSONata 2.0.6 with all its built-in functions ($millis, $toMillis, $fromMillis, $floor) but $eval:
        // https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
        assertEquals("JSONata", definition.path("QueryLanguage").asText());
        // Express executions run at most five minutes: https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html
        assertTrue(definition.path("TimeoutSeconds").asInt() <= 300, definition.path("TimeoutSeconds").toString());
        definition.path("States").forEach(state -> {
            if (state.path("Type").asText().equals("Wait")) {
                // A timestamp from the execution's start, never a relative wait that chains the slots.
                assertFalse(state.has("Seconds"), state.toString());
                assertTrue(state.path("Timestamp").asText().contains("$states.context.Execution.StartTime"), state.toString());
            }
            if (state.path("Type").asText().equals("Task")) {
                assertEquals("States.ALL", state.at("/Catch/0/ErrorEquals/0").asText(), "a failed rotation must not stop the minute");
            }
        });
    }

    @Test
    void slotsStayAnchoredToTheExecutionStartWhateverTheInvokeTime() {
        ScheduleSimulation schedule = new ScheduleSimulation(definition(json));
        Instant start = Instant.parse("2026-12-01T08:00:00.750Z");

        ScheduleSimulation.Run slow = schedule.run(start, n -> Duration.ofSeconds(3));
        ScheduleSimulation.Run fast = schedule.run(start, n -> Duration.ofMillis(200));

        // Chained 10 s waits would drift to 0.75, 13.75, 26.75, ... with 3 s invocations.
        assertEquals(offsets(0.75, 10, 20, 30, 40, 50), seconds(slow.invocations()));
        assertEquals(seconds(fast.invocations()), seconds(slow.invocations()));
        assertTrue(slow.end().isBefore(start.plusSeconds(60)), "done before the next minute's execution: " + slow.end());
    }

    @Test
    void slotWhoseTimePassedRunsAtOnceIfALittleLateAndIsSkippedIfLateByHalfAPeriodOrMore() {
        ScheduleSimulation schedule = new ScheduleSimulation(definition(json));
        Instant start = Instant.parse("2026-12-01T08:00:00.750Z");

        // The second invocation takes 23 s: slot 20 is 13 s late (skipped), slot 30 3 s late (at once).
        ScheduleSimulation.Run run = schedule.run(start, n -> n == 1 ? Duration.ofSeconds(23) : Duration.ofSeconds(3));

        assertEquals(offsets(0.75, 10, 33, 40, 50), seconds(run.invocations()));
    }

    private static List<Double> offsets(double... seconds) {
        return java.util.Arrays.stream(seconds).boxed().toList();
    }

    private static List<Double> seconds(List<Instant> times) {
        Instant minute = Instant.parse("2026-12-01T08:00:00Z");
        return times.stream().map(t -> Duration.between(minute, t).toMillis() / 1000.0).toList();
    }

    @Test
    void fiveMinuteCadenceFiresEveryFiveMinutesWithOneRotation() {
        Template slow = movies(Map.of("rotationSeconds", 300));
        slow.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of("ScheduleExpression", "rate(5 minutes)")));
        JsonNode definition = definition(new ObjectMapper().valueToTree(slow.toJSON()));
        assertEquals(1, countStates(definition, "Task"));
        assertEquals(0, countStates(definition, "Wait"));
    }

    @Test
    void rotatorMayCallExactlyItsOneBackendMutation() {
        List<String> fields = new ArrayList<>();
        for (JsonNode statement : json.findValues("Statement")) {
            statement.forEach(s -> {
                if (s.path("Action").asText().equals("appsync:GraphQL")) {
                    s.path("Resource").forEach(r -> fields.add(r.toString()));
                }
            });
        }
        // The moved rows go out through the review broadcaster: the rotator may not publish reviews.
        assertEquals(1, fields.size(), fields.toString());
        assertTrue(fields.stream().anyMatch(f -> f.contains("/types/Mutation/fields/setCurrentMovie\"")), fields.toString());
    }

    @Test
    void rotatorTableAndSecretPermissionsAreExact() {
        List<String> statements = new ArrayList<>();
        json.findValues("Statement").forEach(list -> list.forEach(st -> statements.add(
                st.path("Action") + " on " + st.path("Resource"))));
        assertTrue(statements.stream().anyMatch(st -> st.startsWith("\"dynamodb:UpdateItem\" on ")
                && st.contains("ReviewsTable")), statements.toString());
        assertTrue(statements.stream().anyMatch(st -> st.startsWith(
                "[\"dynamodb:DeleteItem\",\"dynamodb:GetItem\",\"dynamodb:PutItem\",\"dynamodb:UpdateItem\"] on ")
                && st.contains("MoviesTable")), statements.toString());
        assertTrue(statements.stream().anyMatch(st -> st.startsWith(
                "[\"secretsmanager:DescribeSecret\",\"secretsmanager:GetSecretValue\"] on {\"Ref\":\"TmdbSecret")),
                statements.toString());
        assertEquals(1, statements.stream().filter(st -> st.contains("dynamodb:")).filter(st -> st.contains("ReviewsTable")).count());
    }

    @Test
    void noIamStatementUsesAWildcardAction() {
        IamAssertions.assertNoWildcardActions(template);
    }

    private static JsonNode definition(JsonNode stack) {
        for (JsonNode resource : stack.path("Resources")) {
            if (resource.path("Type").asText().equals("AWS::StepFunctions::StateMachine")) {
                JsonNode joined = resource.at("/Properties/DefinitionString/Fn::Join/1");
                StringBuilder text = new StringBuilder();
                joined.forEach(part -> text.append(part.isTextual() ? part.asText() : "ARN"));
                try {
                    return new ObjectMapper().readTree(text.toString());
                } catch (java.io.IOException e) {
                    throw new AssertionError(text.toString(), e);
                }
            }
        }
        throw new AssertionError("no state machine");
    }

    private static long countStates(JsonNode definition, String type) {
        List<String> found = new ArrayList<>();
        definition.path("States").forEach(s -> {
            if (s.path("Type").asText().equals(type)) {
                found.add(type);
            }
        });
        return found.size();
    }
}
