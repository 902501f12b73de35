package dev.refarch.realtime.infra.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OperationsConfigTest {

    @Test
    void defaultsProtectTheApiAndSubscribeNoOne() {
        OperationsConfig ops = OperationsConfig.from(Map.<String, Object>of()::get);
        assertEquals(new OperationsConfig(Optional.empty(), true, 1000, 1000, 5, 6, 1, true, 5), ops);
    }

    @Test
    void commandLineValuesAreRead() {
        OperationsConfig ops = OperationsConfig.from(Map.<String, Object>of("alarmEmail", "ops@example.com",
                "waf", "off", "wafRateLimit", "300", "consumerLagRecords", 50, "ticksStoppedMinutes", "10",
                "rotationsMissed", "12", "appSync5xxPercent", "5", "canary", "off", "canaryMinutes", "15")::get);
        assertEquals(new OperationsConfig(Optional.of("ops@example.com"), false, 300, 50, 10, 12, 5, false, 15), ops);
    }

    @Test
    void everyBadValueIsReportedWithItsKey() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> OperationsConfig.from(
                Map.<String, Object>of("alarmEmail", "not-an-address", "wafRateLimit", "5", "ticksStoppedMinutes", "1",
                        "canaryMinutes", "0")::get));
        assertTrue(e.getMessage().contains("alarmEmail: 'not-an-address' is not allowed"), e.getMessage());
        assertTrue(e.getMessage().contains("wafRateLimit: '5' is not allowed; expected an integer from 10 to 2000000000"),
                e.getMessage());
        assertTrue(e.getMessage().contains("ticksStoppedMinutes: '1' is not allowed"), e.getMessage());
        assertTrue(e.getMessage().contains("canaryMinutes: '0' is not allowed; expected an integer from 1 to 60"),
                e.getMessage());
    }
}
