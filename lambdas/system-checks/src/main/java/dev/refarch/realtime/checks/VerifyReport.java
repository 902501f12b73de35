package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks of one run, in the order they ran: as text (one line per check and a summary) for a
 * terminal, as JSON for CI and for the canary's metrics.
 *
 * @param checks every check's result
 * @param took   how long the whole run took
 */
public record VerifyReport(List<CheckResult> checks, Duration took) {

    public VerifyReport {
        checks = List.copyOf(checks);
    }

    /** Whether no check failed (skipped checks do not fail a run). */
    public boolean passed() {
        return checks.stream().noneMatch(CheckResult::failed);
    }

    public long count(CheckResult.Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }

    /** The result of the named check, if it ran or was skipped. */
    public Optional<CheckResult> check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * One line per check: status, name, time, then what it saw (a pass), why not (a skip), or
     * {@code expected ...; got ...; likely cause: ...} (a failure). Then the summary line.
     */
    public List<String> lines() {
        int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (CheckResult check : checks) {
            lines.add(line(check, width));
        }
        lines.add(summary());
        return lines;
    }

    /** {@code 7 passed, 0 failed, 2 skipped in 23.10 s}. */
    public String summary() {
        return count(CheckResult.Status.PASS) + " passed, " + count(CheckResult.Status.FAIL) + " failed, "
                + count(CheckResult.Status.SKIP) + " skipped in " + seconds(took);
    }

    /** The report as one JSON object: {@code passed}, {@code tookMillis}, the counts and every check. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("passed", passed());
        json.put("tookMillis", took.toMillis());
        json.put("passedChecks", count(CheckResult.Status.PASS));
        json.put("failedChecks", count(CheckResult.Status.FAIL));
        json.put("skippedChecks", count(CheckResult.Status.SKIP));
        var array = json.putArray("checks");
        for (CheckResult check : checks) {
            ObjectNode entry = array.addObject();
            entry.put("name", check.name());
            entry.put("status", check.status().name());
            entry.put("tookMillis", check.took().toMillis());
            entry.put("detail", check.detail());
            entry.put("expected", check.expected());
            entry.put("actual", check.actual());
            entry.put("likelyCause", check.likelyCause());
            check.measuredLatency().ifPresent(latency -> entry.put("latencyMillis", latency.toMillis()));
        }
        return json;
    }

    /** One check's line, its name padded to {@code nameWidth} so the lines of a run align. */
    public static String line(CheckResult check, int nameWidth) {
        String head = String.format(Locale.ROOT, "%-4s  %-" + Math.max(1, nameWidth) + "s  %8s  ", check.status(),
                check.name(), check.status() == CheckResult.Status.SKIP ? "-" : seconds(check.took()));
        return switch (check.status()) {
            case PASS, SKIP -> head + check.detail();
            case FAIL -> head + "expected " + check.expected() + "; got " + check.actual() + "; likely cause: "
                    + check.likelyCause();
        };
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.2f s", duration.toMillis() / 1000.0);
    }
}
