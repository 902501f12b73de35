package dev.refarch.realtime.infra.stacks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Walks a synthesized rotation state machine as Step Functions would, on a simulated clock:
 * a Task takes the time given for that invocation, a Wait ends at its timestamp truncated to
 * the second (https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html), a Choice
 * takes its first true rule. The JSONata is evaluated by a small interpreter of the subset
 * the schedule uses (numbers, + - * /, &lt;, $millis, $toMillis, $fromMillis, $floor and
 * $states.context.Execution.StartTime); anything else fails the test rather than guess.
 */
final class ScheduleSimulation {

    private final JsonNode definition;

    ScheduleSimulation(JsonNode definition) {
        this.definition = definition;
    }

    /** A finished run: when each invocation started, and when the execution ended. */
    record Run(List<Instant> invocations, Instant end) {
    }

    /**
     * @param start    the execution's start time
     * @param duration how long the n-th invocation (0-based) takes
     */
    Run run(Instant start, IntFunction<Duration> duration) {
        List<Instant> invocations = new ArrayList<>();
        Instant clock = start;
        String name = definition.path("StartAt").asText();
        for (int steps = 0; steps < 1000; steps++) {
            JsonNode state = definition.path("States").path(name);
            switch (state.path("Type").asText()) {
                case "Task" -> {
                    invocations.add(clock);
                    clock = clock.plus(duration.apply(invocations.size() - 1));
                    name = state.path("Next").asText();
                }
                case "Wait" -> {
                    Instant until = Instant.parse((String) evaluate(state.path("Timestamp").asText(), start, clock))
                            .truncatedTo(ChronoUnit.SECONDS);
                    clock = until.isAfter(clock) ? until : clock;
                    name = state.path("Next").asText();
                }
                case "Choice" -> {
                    String next = state.path("Default").asText();
                    for (JsonNode rule : state.path("Choices")) {
                        if ((Boolean) evaluate(rule.path("Condition").asText(), start, clock)) {
                            next = rule.path("Next").asText();
                            break;
                        }
                    }
                    name = next;
                }
                case "Succeed" -> {
                    return new Run(invocations, clock);
                }
                default -> throw new AssertionError("state " + name + " of type " + state.path("Type") + " not simulated");
            }
        }
        throw new AssertionError("the state machine never ended");
    }

    private static Object evaluate(String field, Instant start, Instant now) {
        if (!field.startsWith("{%") || !field.endsWith("%}")) {
            throw new AssertionError("not a JSONata expression: " + field);
        }
        Parser parser = new Parser(field.substring(2, field.length() - 2).strip(), start, now);
        Object value = parser.comparison();
        parser.expectEnd();
        return value;
    }

    /** Recursive descent over the subset; numbers are doubles, as in JSONata. */
    private static final class Parser {
        private final String text;
        private final Instant start;
        private final Instant now;
        private int at;

        Parser(String text, Instant start, Instant now) {
            this.text = text;
            this.start = start;
            this.now = now;
        }

        Object comparison() {
            Object left = additive();
            if (accept("<")) {
                return number(left) < number(additive());
            }
            return left;
        }

        Object additive() {
            Object value = term();
            while (true) {
                if (accept("+")) {
                    value = number(value) + number(term());
                } else if (accept("-")) {
                    value = number(value) - number(term());
                } else {
                    return value;
                }
            }
        }

        Object term() {
            Object value = primary();
            while (true) {
                if (accept("*")) {
                    value = number(value) * number(primary());
                } else if (accept("/")) {
                    value = number(value) / number(primary());
                } else {
                    return value;
                }
            }
        }

        Object primary() {
            skipSpaces();
            if (accept("(")) {
                Object value = comparison();
                expect(")");
                return value;
            }
            if (accept("$states.context.Execution.StartTime")) {
                return start.toString();
            }
            if (at < text.length() && Character.isDigit(text.charAt(at))) {
                int from = at;
                while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
                    at++;
                }
                return Double.parseDouble(text.substring(from, at));
            }
            for (String function : List.of("$millis", "$toMillis", "$fromMillis", "$floor")) {
                if (accept(function + "(")) {
                    Object argument = function.equals("$millis") ? null : comparison();
                    expect(")");
                    return switch (function) {
                        case "$millis" -> (double) now.toEpochMilli();
                        case "$toMillis" -> (double) Instant.parse((String) argument).toEpochMilli();
                        case "$fromMillis" -> Instant.ofEpochMilli((long) number(argument)).toString();
                        default -> Math.floor(number(argument));
                    };
                }
            }
            throw new AssertionError("unsupported JSONata at " + at + ": " + text);
        }

        private boolean accept(String token) {
            skipSpaces();
            if (text.startsWith(token, at)) {
                at += token.length();
                return true;
            }
            return false;
        }

        private void expect(String token) {
            if (!accept(token)) {
                throw new AssertionError("expected " + token + " at " + at + ": " + text);
            }
        }

        void expectEnd() {
            skipSpaces();
            if (at != text.length()) {
                throw new AssertionError("unsupported JSONata at " + at + ": " + text);
            }
        }

        private void skipSpaces() {
            while (at < text.length() && text.charAt(at) == ' ') {
                at++;
            }
        }

        private static double number(Object value) {
            if (!(value instanceof Double d)) {
                throw new AssertionError("not a number: " + value);
            }
            return d;
        }
    }
}
