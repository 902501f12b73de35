package dev.refarch.realtime.rotator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rotator's EMF documents as CloudWatch reads them: every dimension set of every metric holds the
 * function's {@code Service} (its {@code POWERTOOLS_SERVICE_NAME}, which names the deployment), so two
 * stages in one account and Region never write one series. Surefire sets the service name as the
 * stack does.
 */
class PowertoolsMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE = System.getenv("POWERTOOLS_SERVICE_NAME");

    private static List<JsonNode> emitted(Runnable emit) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            emit.run();
        } finally {
            System.setOut(stdout);
        }
        List<JsonNode> documents = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"_aws\"")) {
                documents.add(JSON.readTree(line));
            }
        }
        return documents;
    }

    private static void assertEveryDimensionSetNamesTheService(JsonNode document) {
        assertEquals(SERVICE, document.path("Service").asText(), document.toString());
        JsonNode sets = document.at("/_aws/CloudWatchMetrics/0/Dimensions");
        assertTrue(sets.size() > 0, document.toString());
        for (JsonNode set : sets) {
            List<String> names = new ArrayList<>();
            set.forEach(n -> names.add(n.asText()));
            assertTrue(names.contains("Service"), "a dimension set without Service: " + names + " in " + document);
        }
    }

    @Test
    void aCountByKindStaysWithinTheFunctionsOwnSeries() throws Exception {
        assertFalse(SERVICE == null || SERVICE.isBlank(), "surefire sets POWERTOOLS_SERVICE_NAME");
        List<JsonNode> documents = emitted(() -> new PowertoolsMetrics(RotatorConfig.DEFAULT_METRICS_NAMESPACE)
                .count(RotatorMetrics.TMDB_FAILURES, "Kind", "UNAUTHORIZED"));

        assertEquals(1, documents.size(), documents.toString());
        assertEveryDimensionSetNamesTheService(documents.get(0));
        assertEquals("UNAUTHORIZED", documents.get(0).path("Kind").asText());
    }

    @Test
    void plainCountsAndAgesCarryTheService() throws Exception {
        PowertoolsMetrics metrics = new PowertoolsMetrics(RotatorConfig.DEFAULT_METRICS_NAMESPACE);
        List<JsonNode> documents = emitted(() -> {
            metrics.count(RotatorMetrics.ROTATIONS);
            metrics.seconds(RotatorMetrics.CURRENT_MOVIE_AGE, 12);
        });

        assertEquals(2, documents.size(), documents.toString());
        documents.forEach(PowertoolsMetricsTest::assertEveryDimensionSetNamesTheService);
    }
}
