package dev.refarch.realtime.checks;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one check found: passed (with what it saw), failed (what was expected, what came, and the most
 * likely cause, so the line alone says what to look at) or skipped (why).
 *
 * @param name        the check's name, e.g. {@code realtime-handshake}
 * @param status      pass, fail or skip
 * @param took        how long it ran; zero when skipped
 * @param detail      on a pass, what it saw; on a skip, why it did not run; else empty
 * @param expected    on a failure, what should have happened; else empty
 * @param actual      on a failure, what happened instead; else empty
 * @param likelyCause on a failure, the most likely cause and where to look; else empty
 * @param latency     what a passed delivery check measured from publishing to the subscriber receiving
 *                    the last of its events (the canary's latency metric); null when the check measures none
 */
public record CheckResult(String name, Status status, Duration took, String detail, String expected, String actual,
        String likelyCause, Duration latency) {

    /** The outcome of a check. */
    public enum Status { PASS, FAIL, SKIP }

    public CheckResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(took, "took");
        detail = oneLine(detail);
        expected = oneLine(expected);
        actual = oneLine(actual);
        likelyCause = oneLine(likelyCause);
        if (latency != null && latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + latency);
        }
    }

    /** A passed check and what it saw. */
    public static CheckResult pass(String name, Duration took, String detail) {
        return new CheckResult(name, Status.PASS, took, detail, "", "", "", null);
    }

    /** A failed check: what was expected, what came, the most likely cause. */
    public static CheckResult fail(String name, Duration took, String expected, String actual, String likelyCause) {
        return new CheckResult(name, Status.FAIL, took, "", expected, actual, likelyCause, null);
    }

    /** A check that did not run, and why. */
    public static CheckResult skip(String name, String reason) {
        return new CheckResult(name, Status.SKIP, Duration.ZERO, reason, "", "", "", null);
    }

    /** This result with the publish-to-subscriber latency its check measured. */
    public CheckResult withLatency(Duration measured) {
        return new CheckResult(name, status, took, detail, expected, actual, likelyCause,
                Objects.requireNonNull(measured, "measured"));
    }

    /** The publish-to-subscriber latency, when the check measured one. */
    public Optional<Duration> measuredLatency() {
        return Optional.ofNullable(latency);
    }

    public boolean failed() {
        return status == Status.FAIL;
    }

    /** Every line of a report is one line, whatever a server put in an error message. */
    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }
}
