package dev.refarch.realtime.infra.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppConfigTest {

    @Test
    void defaultsApplyWhenContextIsEmpty() {
        AppConfig config = AppConfig.from(Map.<String, Object>of()::get);
        assertEquals(Stage.DEV, config.stage());
        assertTrue(config.streaming());
        assertEquals(365, config.apiKeyExpiryDays());
        assertEquals(10, config.rotationSeconds());
        assertEquals(List.of("AMZN", "AAPL", "MSFT", "GOOGL", "NVDA"), config.symbols());
        assertEquals(30, config.failureRetentionDays());
        assertEquals(500, config.reviewBroadcastMillis());
        assertEquals(TickDelivery.ALL, config.tickDelivery());
        assertEquals(30, config.tickConflateAfterSeconds());
        assertFalse(config.producerReservedConcurrency());
        assertEquals(25, config.mutationsPerRequest());
        assertEquals(1, config.voteShards(), "one row per reaction, the layout before shards");
        assertEquals("realtime-refarch-dev", config.prefix());
    }

    @Test
    void cdkJsonOfTheProjectIsValid() {
        AppConfig config = AppConfig.from(CdkJson.context()::get);
        assertEquals("realtime-refarch", config.appName());
        assertFalse(config.producerReservedConcurrency(), "the reservation is opt-in: it deploys only in accounts with room for it");
    }

    @Test
    void commandLineStringsAndJsonValuesAreBothAccepted() {
        AppConfig fromCli = AppConfig.from(Map.<String, Object>of(
                "stage", "prod", "streaming", "off", "brokerCount", "4", "symbols", "AMZN, TSLA")::get);
        AppConfig fromJson = AppConfig.from(Map.<String, Object>of(
                "stage", "PROD", "streaming", false, "brokerCount", 4, "symbols", List.of("AMZN", "TSLA"))::get);
        assertEquals(fromCli, fromJson);
        assertEquals(Stage.PROD, fromCli.stage());
        assertFalse(fromCli.streaming());
        assertEquals(4, fromCli.brokerCount());
        assertEquals(List.of("AMZN", "TSLA"), fromCli.symbols());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "stage|staging|one of [dev, prod]",
        "streaming|maybe|on or off",
        "apiKeyExpiryDays|400|an integer from 2 to 365",
        "apiKeyExpiryDays|1|an integer from 2 to 365",
        "rotationSeconds|ten|an integer from 5 to 3600",
        "rotationSeconds|7|a divisor of 60",
        "rotationSeconds|90|a multiple of 60",
        "natGateways|0|an integer from 1 to 2",
        "brokerCount|3|a multiple of 2",
        "kafkaVersion|latest|an MSK version",
        "brokerInstanceType|t3.small|an MSK broker type",
        "topic|ticks topic|1-249 of",
        "topicPartitions|0|an integer from 1 to 1000",
        "failureRetentionDays|0|an integer from 1 to 365",
        "reviewBroadcastMillis|60001|an integer from 0 to 60000",
        "tickDelivery|newest|one of [all, latest]",
        "tickConflateAfterSeconds|0|an integer from 1 to 3600",
        "producerReservedConcurrency|1|on or off",
        "mutationsPerRequest|0|an integer from 1 to 100",
        "mutationsPerRequest|101|an integer from 1 to 100",
        "mutationsPerRequest|one|an integer from 1 to 100",
        "voteShards|0|an integer from 1 to 1000",
        "voteShards|1001|an integer from 1 to 1000",
        "voteShards|four|an integer from 1 to 1000",
        "symbols|amzn|distinct symbols",
        "symbols|AMZN,AMZN|distinct symbols",
        "appName|Realtime_Refarch|2-24 of a-z",
    })
    void badValueFailsNamingKeyValueAndWhatIsAllowed(String key, String value, String allowed) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> AppConfig.from(Map.<String, Object>of(key, value)::get));
        assertEquals(1, e.problems().size(), e.getMessage());
        String problem = e.problems().get(0);
        assertTrue(problem.startsWith(key + ": '" + value + "' is not allowed"), problem);
        assertTrue(problem.contains(allowed), problem);
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> AppConfig.from(Map.<String, Object>of("stage", "qa", "natGateways", 5)::get));
        assertEquals(2, e.problems().size());
        assertTrue(e.getMessage().contains("stage: 'qa'"));
        assertTrue(e.getMessage().contains("natGateways: '5'"));
    }
}
