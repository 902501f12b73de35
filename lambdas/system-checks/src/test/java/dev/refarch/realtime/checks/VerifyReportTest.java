package dev.refarch.realtime.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifyReportTest {

    private static final CheckResult PASSED = CheckResult.pass("realtime-handshake", Duration.ofMillis(412),
            "4 subscriptions acknowledged");
    private static final CheckResult FAILED = CheckResult.fail("ticks-aliased", Duration.ofMillis(10_020),
            "5 onTick events", "no onTick event", "subscribed, but the aliased batch never arrived:\n deploy with"
                    + " -c mutationsPerRequest=1");
    private static final CheckResult SKIPPED = CheckResult.skip("page", "deployed only");

    @Test
    void eachCheckIsOneLineWithStatusNameAndTime() {
        List<String> lines = new VerifyReport(List.of(PASSED, FAILED, SKIPPED), Duration.ofMillis(10_500)).lines();

        assertEquals(List.of(
                "PASS  realtime-handshake    0.41 s  4 subscriptions acknowledged",
                "FAIL  ticks-aliased        10.02 s  expected 5 onTick events; got no onTick event; likely cause:"
                        + " subscribed, but the aliased batch never arrived: deploy with -c mutationsPerRequest=1",
                "SKIP  page                       -  deployed only",
                "1 passed, 1 failed, 1 skipped in 10.50 s"), lines);
    }

    @Test
    void aRunPassesUnlessACheckFailedSkipsIncluded() {
        assertTrue(new VerifyReport(List.of(PASSED, SKIPPED), Duration.ZERO).passed());
        assertFalse(new VerifyReport(List.of(PASSED, FAILED, SKIPPED), Duration.ZERO).passed());
    }

    @Test
    void theJsonReportCarriesEveryFieldOfEveryCheck() {
        JsonNode json = new VerifyReport(List.of(PASSED, FAILED, SKIPPED), Duration.ofMillis(10_500)).toJson();

        assertFalse(json.path("passed").asBoolean());
        assertEquals(10_500, json.path("tookMillis").asLong());
        assertEquals(1, json.path("failedChecks").asInt());
        JsonNode failed = json.path("checks").get(1);
        assertEquals("ticks-aliased", failed.path("name").asText());
        assertEquals("FAIL", failed.path("status").asText());
        assertEquals(10_020, failed.path("tookMillis").asLong());
        assertEquals("no onTick event", failed.path("actual").asText());
        assertTrue(failed.path("likelyCause").asText().endsWith("-c mutationsPerRequest=1"));
        assertEquals("SKIP", json.path("checks").get(2).path("status").asText());
    }
}
