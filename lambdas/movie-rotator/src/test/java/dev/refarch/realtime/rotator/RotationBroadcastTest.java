package dev.refarch.realtime.rotator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.graphql.testing.AppSyncSchema;
import dev.refarch.realtime.graphql.testing.Operations;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The one operation the rotator sends fits the schema and selects every field. */
class RotationBroadcastTest {

    @Test
    void movieOperationIsValidAgainstTheSchema() {
        AppSyncSchema.assertValid(RotationBroadcast.MOVIE_OPERATION);
    }

    @Test
    void movieOperationSelectsEveryFieldSubscribersCanReceive() {
        assertTrue(RotationBroadcast.MOVIE_OPERATION.contains("setCurrentMovie(movie: $movie) { "
                + Operations.MOVIE_FIELDS + " }"), RotationBroadcast.MOVIE_OPERATION);
    }

    @Test
    void rotationBroadcastsOnlyTheMovieTheRowsGoOutThroughTheStream() {
        assertFalse(RotationBroadcast.MOVIE_OPERATION.contains("publishReview"), RotationBroadcast.MOVIE_OPERATION);
    }

    @Test
    void withOneMutationPerRequestTheMovieGoesUnaliasedAndAsConfiguredOtherwise() throws Exception {
        AppSyncSchema.assertValid(RotationBroadcast.UNALIASED_MOVIE_OPERATION);
        WireMockServer appSync = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                .dynamicPort());
        appSync.start();
        try {
            appSync.stubFor(WireMock.post("/graphql").willReturn(WireMock.okJson(
                    "{\"data\":{\"setCurrentMovie\":{\"id\":\"603\"}}}")));
            AppSyncClient client = AppSyncClient.builder(AppSyncClientConfig.defaults(
                            URI.create(appSync.baseUrl() + "/graphql"), Region.US_EAST_1))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "s")))
                    .build();
            Movie movie = new Movie("603", "The Matrix", null, null, "1999-03-31");

            new RotationBroadcast(client, 1).send(movie, 7, AppSyncClient.NO_DEADLINE);
            new RotationBroadcast(client, 25).send(movie, 8, AppSyncClient.NO_DEADLINE);

            List<String> queries = new ArrayList<>();
            for (var request : appSync.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/graphql")))) {
                queries.add(new ObjectMapper().readTree(request.getBody()).path("query").asText());
            }
            assertEquals(List.of(RotationBroadcast.UNALIASED_MOVIE_OPERATION, RotationBroadcast.MOVIE_OPERATION),
                    queries);
            assertFalse(queries.get(0).contains("movie: setCurrentMovie"), queries.get(0));
        } finally {
            appSync.stop();
        }
    }

    @Test
    void variablesMatchTheInputType() {
        Movie movie = new Movie("603", "The Matrix", null, "https://image.tmdb.org/t/p/w500//m.jpg", "1999-03-31");
        ObjectMapper json = new ObjectMapper();

        JsonNode movieInput = json.valueToTree(RotationBroadcast.movieVariables(movie, 12)).path("movie");

        assertEquals("The Matrix", movieInput.path("title").asText());
        assertEquals(12, movieInput.path("rotation").asInt());
        assertEquals("https://image.tmdb.org/t/p/w500/m.jpg", movieInput.path("posterUrl").asText(),
                "normalized to an AWSURL");
    }
}
