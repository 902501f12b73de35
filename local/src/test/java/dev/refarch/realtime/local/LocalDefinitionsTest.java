package dev.refarch.realtime.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.graphql.ApiDefinition;
import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.AppConfig;
import dev.refarch.realtime.graphql.TableContract;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the local run derives from the project's own definitions, and the catalog it ships. */
class LocalDefinitionsTest {

    @Test
    void everyDynamoDbDataSourceHasItsPartitionKeyFromTheTableContract() {
        assertEquals(TableContract.Reviews.REACTION, DynamoDbComponent.partitionKey("reviews"));
        assertEquals(TableContract.Movies.PK, DynamoDbComponent.partitionKey("movies"));
        for (ApiDefinition.DataSource source : ApiDefinition.load().dataSources()) {
            if (source.type() == ApiDefinition.DataSourceType.AMAZON_DYNAMODB) {
                assertNotNull(DynamoDbComponent.partitionKey(source.table()), source.table());
            }
        }
    }

    @Test
    void theCatalogHasEightToTwelveFilmsEachWithItsOwnLocalPoster() throws Exception {
        JsonNode films;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("catalog/movies.json")) {
            films = new ObjectMapper().readTree(in).get("results");
        }
        assertTrue(films.size() >= 8 && films.size() <= 12, "films: " + films.size());
        Set<String> posters = new HashSet<>();
        for (JsonNode film : films) {
            assertTrue(film.path("id").isIntegralNumber() && !film.path("title").asText().isBlank(), film.toString());
            String poster = film.path("poster_path").asText();
            assertTrue(posters.add(poster), "one poster per film: " + poster);
            try (InputStream svg = getClass().getClassLoader().getResourceAsStream("catalog/posters" + poster)) {
                assertNotNull(svg, poster + " is shipped");
                assertTrue(new String(svg.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains("<svg"));
            }
        }
    }

    @Test
    void argumentsAreKnownNameValuePairs() {
        assertEquals("auto", LocalRun.parse(new String[] {"--ports=auto"}).get("ports"));
        assertEquals("20003", LocalRun.parse(new String[] {"--graphql-port=20003"}).get("graphql-port"));
        assertEquals("true", LocalRun.parse(new String[] {"--help"}).get("help"));
        LocalRunException unknown = org.junit.jupiter.api.Assertions.assertThrows(LocalRunException.class,
                () -> LocalRun.parse(new String[] {"--graphq-port=1"}));
        assertTrue(unknown.getMessage().contains("--graphq-port"), unknown.getMessage());
    }

    @Test
    void aConsumerTimeoutOutsideWhatTheHandlerAndLambdaAllowIsRefusedNamingTheOption() {
        assertEquals("6", LocalRun.parse(new String[] {"--consumer-timeout-seconds=6"}).get("consumer-timeout-seconds"));
        LocalRunException tooShort = org.junit.jupiter.api.Assertions.assertThrows(LocalRunException.class,
                () -> new LocalSettings(Path.of("."), AppConfig.from(key -> null), Ports.resolve(Map.of("ports", "auto")),
                        new LogFolder(Files.createTempDirectory("settings-logs")), "key", 1000, 2));
        assertTrue(tooShort.getMessage().contains("--consumer-timeout-seconds=2"), tooShort.getMessage());
    }

    // https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (MaximumBatchingWindowInSeconds:
    // whole seconds, 0 to 300)
    @Test
    void theMappingsBatchingWindowIsTheStacksUnlessABenchmarkAsksForAnotherThatLambdaAccepts() throws Exception {
        LogFolder logs = new LogFolder(Files.createTempDirectory("settings-logs"));
        Ports ports = Ports.resolve(Map.of("ports", "auto"));
        assertEquals(Functions.CONSUMER_BATCHING_WINDOW_SECONDS, new LocalSettings(Path.of("."),
                AppConfig.from(key -> null), ports, logs, "key", 1000).batchingWindowSeconds());
        assertEquals("1", LocalRun.parse(new String[] {"--batching-window-seconds=1"}).get("batching-window-seconds"));
        assertEquals(1, new LocalSettings(Path.of("."), AppConfig.from(key -> null), ports, logs, "key", 1000,
                LocalSettings.STACK_CONSUMER_TIMEOUT_SECONDS, 1).batchingWindowSeconds());
        LocalRunException tooLong = org.junit.jupiter.api.Assertions.assertThrows(LocalRunException.class,
                () -> new LocalSettings(Path.of("."), AppConfig.from(key -> null), ports, logs, "key", 1000,
                        LocalSettings.STACK_CONSUMER_TIMEOUT_SECONDS, 301));
        assertTrue(tooLong.getMessage().contains("--batching-window-seconds=301"), tooLong.getMessage());
    }
}
