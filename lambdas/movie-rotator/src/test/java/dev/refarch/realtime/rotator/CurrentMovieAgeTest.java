package dev.refarch.realtime.rotator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncException;
import dev.refarch.realtime.lambda.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The age of the current movie ({@link RotatorMetrics#CURRENT_MOVIE_AGE}) as the rotator emits it, EMF on
 * stdout through Powertools, on every attempt: measured from the {@code startedAt} that {@code setCurrentMovie}
 * stamped on {@code CURRENT}, at a fixed clock, against DynamoDB Local, the AppSync simulator and WireMock TMDb.
 */
class CurrentMovieAgeTest extends AgainstLocalRotator {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** When the current movie started, as the resolver stamped it. */
    private static Instant startedAt() {
        return Instant.parse(local.api.currentMovieItem().get(Catalog.STARTED_AT).s());
    }

    private static MovieRotator rotatorAt(Instant now, URI graphqlUrl) {
        return local.rotator(graphqlUrl, new PowertoolsMetrics(local.config.metricsNamespace()),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    /** The EMF documents Powertools printed while {@code attempt} ran that carry the age metric. */
    private static List<JsonNode> ages(Runnable attempt) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LogCapture logs = LogCapture.attach()) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                attempt.run();
            } finally {
                System.setOut(stdout);
            }
        }
        List<JsonNode> ages = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")) {
                JsonNode document = JSON.readTree(line);
                if (document.has("_aws") && document.has(RotatorMetrics.CURRENT_MOVIE_AGE)) {
                    ages.add(document);
                }
            }
        }
        return ages;
    }

    private static void assertAge(long seconds, JsonNode emf) {
        assertEquals(seconds, emf.get(RotatorMetrics.CURRENT_MOVIE_AGE).asLong(), emf.toString());
        JsonNode metric = emf.at("/_aws/CloudWatchMetrics/0");
        assertEquals(RotatorConfig.DEFAULT_METRICS_NAMESPACE, metric.path("Namespace").asText());
        assertEquals(RotatorMetrics.CURRENT_MOVIE_AGE, metric.at("/Metrics/0/Name").asText());
        assertEquals("Seconds", metric.at("/Metrics/0/Unit").asText());
    }

    @Test
    void aSuccessfulRotationReportsHowLongTheMovieItReplacedWasOnScreen() throws Exception {
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "11", "12"));
        assertEquals(List.of(), ages(() -> local.invoke()), "no movie on screen before the first rotation");
        Instant started = startedAt();

        List<JsonNode> ages = ages(() -> assertTrue(rotatorAt(started.plusSeconds(42), local.api.simulator().graphqlUrl())
                .rotate(AppSyncClient.NO_DEADLINE).rotated()));

        assertEquals(1, ages.size(), ages.toString());
        assertAge(42, ages.get(0));
    }

    @Test
    void aFailedAttemptReportsTheAgeOfTheMovieThatStays() throws Exception {
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "603"));
        local.invoke();
        Instant started = startedAt();
        local.stubs.popularAnswers(500, "{}");

        List<JsonNode> ages = ages(() -> assertEquals("tmdb-server-error",
                rotatorAt(started.plusSeconds(95), local.api.simulator().graphqlUrl())
                        .rotate(AppSyncClient.NO_DEADLINE).reason()));

        assertEquals(1, ages.size(), ages.toString());
        assertAge(95, ages.get(0));
    }

    @Test
    void anAttemptThatThrowsAndTheOneThatResumesItBothReportTheAge() throws Exception {
        local.stubs.popularAnswers(200, TmdbStub.page(1, 1, "11", "12"));
        local.invoke();
        Instant started = startedAt();
        // AppSync answers 404 (WireMock has no such stub): the broadcast fails and the rotation stays pending.
        URI broken = URI.create(local.stubs.baseUrl() + "/graphql");

        List<JsonNode> failed = ages(() -> assertThrows(AppSyncException.class,
                () -> rotatorAt(started.plusSeconds(10), broken).rotate(AppSyncClient.NO_DEADLINE)));
        List<JsonNode> resumed = ages(() -> assertTrue(rotatorAt(started.plusSeconds(20),
                local.api.simulator().graphqlUrl()).rotate(AppSyncClient.NO_DEADLINE).rotated()));

        assertEquals(1, failed.size(), failed.toString());
        assertAge(10, failed.get(0));
        assertEquals(1, resumed.size(), resumed.toString());
        assertAge(20, resumed.get(0));
    }
}
