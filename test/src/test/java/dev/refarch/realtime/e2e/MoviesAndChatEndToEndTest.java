package dev.refarch.realtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.cli.AwsClients;
import dev.refarch.realtime.checks.CheckSettings;
import dev.refarch.realtime.cli.ReviewsCli;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import picocli.CommandLine;

/**
 * The movie experience and chat through the whole local run (the rotator on its schedule against
 * the TMDb stand-in, votes and chat through the simulator's VTL resolvers), and the simulator
 * bridges a subscriber can observe.
 */
@ExtendWith(SharedLocalRun.class)
@ResourceLock(SharedLocalRun.LOCK)
class MoviesAndChatEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One rotation period (cdk.json rotationSeconds, 10) with headroom for a busy machine. */
    private static final Duration ROTATION_WAIT = Duration.ofSeconds(30);
    /** Every event but the shared run's canary's chat messages, which come every 15 s. */
    private static final Predicate<JsonNode> NOT_THE_CANARY = event ->
            !CheckSettings.CANARY_AUTHOR.equals(event.at("/payload/data/onMessage/author").asText());
    private static LocalRunner run;

    @BeforeAll
    static void start(LocalRunner shared) {
        run = shared;
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.assertNoRefusals();
        }
    }

    @Test
    void aRotationReachesSubscribersWithAPosterServedLocally() throws Exception {
        try (RealtimeSubscriber viewer = run.subscriber()) {
            viewer.subscribe(Operations.ON_CURRENT_MOVIE);
            JsonNode movie = nextMovie(viewer);
            assertFalse(movie.path("title").asText().isBlank(), movie.toString());
            URI poster = URI.create(movie.path("posterUrl").asText());
            assertEquals("127.0.0.1", poster.getHost(), "the poster comes from the local catalog");
            HttpResponse<byte[]> image = HttpClient.newHttpClient().send(HttpRequest.newBuilder(poster).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, image.statusCode());
            assertTrue(new String(image.body(), StandardCharsets.UTF_8).contains("<svg"), "an SVG poster");
            JsonNode current = run.apiKeyClient().execute(Operations.CURRENT_MOVIE).assertSucceeded()
                    .data("currentMovie");
            assertFalse(current.path("id").asText().isBlank(), "the rotation stored the current movie");
        }
    }

    @Test
    void votesFromTwoClientsAreCountedExactlyAndSeenByBothAndTheNextRotationCrownsTheMovie() throws Exception {
        try (RealtimeSubscriber viewer = run.subscriber();
             RealtimeSubscriber alice = run.subscriber();
             RealtimeSubscriber bob = run.subscriber()) {
            viewer.subscribe(Operations.ON_CURRENT_MOVIE);
            alice.subscribe(Operations.ON_REVIEW);
            bob.subscribe(Operations.ON_REVIEW);
            // Right after a rotation, so both votes land well inside one showing.
            String movieId = nextMovie(viewer).path("id").asText();
            GraphqlClient aliceClient = run.apiKeyClient();
            GraphqlClient bobClient = run.apiKeyClient();
            CompletableFuture<GraphqlClient.Response> aliceVote = CompletableFuture.supplyAsync(() ->
                    aliceClient.execute(Operations.VOTE, Map.of("movieId", movieId, "reaction", "LOVE", "count", 3)));
            CompletableFuture<GraphqlClient.Response> bobVote = CompletableFuture.supplyAsync(() ->
                    bobClient.execute(Operations.VOTE, Map.of("movieId", movieId, "reaction", "LOVE", "count", 4)));
            int aliceCount = aliceVote.get(10, TimeUnit.SECONDS).assertSucceeded().data("vote").path("count").asInt();
            int bobCount = bobVote.get(10, TimeUnit.SECONDS).assertSucceeded().data("vote").path("count").asInt();
            assertEquals(7, Math.max(aliceCount, bobCount), "3 + 4 votes, neither lost nor counted twice");

            // Votes reach subscribers through the review broadcaster, at most once per interval:
            // two votes this close are usually one broadcast, of the total.
            for (RealtimeSubscriber subscriber : List.of(alice, bob)) {
                assertEquals(7, loveCountReaching(subscriber, movieId, 7), "each client sees the total");
            }

            // The next rotation moves the showing's 7 LOVE votes to the leaderboard (no other test votes LOVE):
            // first the move (the new showing's row), then the leaderboard write, each broadcast with its
            // version; the two may come as one message or as two.
            JsonNode crowned = null;
            while (crowned == null) {
                JsonNode review = alice.awaitNext(ROTATION_WAIT).at("/payload/data/onReview");
                if ("LOVE".equals(review.path("reaction").asText()) && !movieId.equals(review.path("movieId").asText())
                        && movieId.equals(review.path("topMovieId").asText())) {
                    crowned = review;
                }
            }
            assertEquals(movieId, crowned.path("topMovieId").asText(), crowned.toString());
            assertEquals(7, crowned.path("topCount").asInt(), crowned.toString());
            assertEquals(0, crowned.path("count").asInt(), "the new showing starts at zero: " + crowned);
        }
    }

    @Test
    void aChatMessageReachesAnotherClientAndAnInvalidOneReachesNoOne() {
        try (RealtimeSubscriber reader = run.subscriber()) {
            reader.subscribe(Operations.ON_MESSAGE);
            GraphqlClient writer = run.apiKeyClient();
            writer.execute(Operations.SEND_MESSAGE, Map.of("author", "ada", "text", "hello \"everyone\""))
                    .assertSucceeded();
            JsonNode message = reader.awaitNext(Duration.ofSeconds(10), NOT_THE_CANARY).at("/payload/data/onMessage");
            assertEquals("ada", message.path("author").asText());
            assertEquals("hello \"everyone\"", message.path("text").asText());

            writer.execute(Operations.SEND_MESSAGE, Map.of("author", "ada", "text", "bell \u0007"))
                    .assertErrorType("InvalidMessage");
            reader.assertNothingWithin(Duration.ofSeconds(2), NOT_THE_CANARY);
        }
    }

    /**
     * AppSync gives subscribers only the fields the triggering mutation selected: the others are
     * null, and a non-null one fails the event
     * (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-data.html). So neither a
     * voter nor a chat sender may choose what subscribers receive.
     */
    @Test
    void neitherAVoterNorAChatSenderShapesWhatSubscribersReceive() throws Exception {
        try (RealtimeSubscriber reviews = run.subscriber(); RealtimeSubscriber chat = run.subscriber()) {
            reviews.subscribe("subscription { onReview { reaction count movieId topMovieId topMovieTitle } }");
            chat.subscribe("subscription { onMessage { id text author } }");
            GraphqlClient client = run.apiKeyClient();

            // A vote selecting two fields: on AppSync, when votes triggered onReview, every subscriber
            // got nulls in the rest. Now the review broadcaster's publishReview, which selects every
            // field, is the only trigger, so the vote's caller shapes nothing others receive.
            String vote = "mutation Vote($movieId: ID!) { vote(movieId: $movieId, reaction: MEH, count: 1) { reaction count } }";
            GraphqlClient.Response voted = null;
            long deadline = System.nanoTime() + ROTATION_WAIT.toNanos();
            // Until a vote lands: before the first rotation there is no current movie to vote for.
            while ((voted == null || !voted.succeeded()) && System.nanoTime() < deadline) {
                String movieId = client.execute(Operations.CURRENT_MOVIE).assertSucceeded()
                        .data("currentMovie").path("id").asText();
                voted = client.execute(vote, Map.of("movieId", movieId));
                if (!voted.succeeded()) {
                    Thread.sleep(500);
                }
            }
            voted.assertSucceeded();
            // The MEH row's next broadcast: the vote's, or (when the vote raced a rotation and was counted
            // for the movie before) the rotation's; both come from publishReview, which is what is checked.
            JsonNode review = null;
            long until = System.nanoTime() + ROTATION_WAIT.toNanos();
            while (review == null) {
                assertTrue(System.nanoTime() < until, "no onReview of the MEH row within " + ROTATION_WAIT);
                JsonNode event = reviews.awaitNext(ROTATION_WAIT).at("/payload/data/onReview");
                if ("MEH".equals(event.path("reaction").asText())) {
                    review = event;
                }
            }
            assertFalse(review.path("movieId").isNull(), "fields the vote did not select arrive filled: " + review);
            assertTrue(review.has("topMovieId"), review.toString());

            // A sender selecting less than a whole message would fail every subscriber's event (author is
            // non-null): it is refused, and nothing reaches anyone.
            client.execute("mutation { sendMessage(author: \"ada\", text: \"hi\") { id text } }")
                    .assertErrorType("IncompleteSelection");
            chat.assertNothingWithin(Duration.ofSeconds(2), NOT_THE_CANARY);
            client.execute(Operations.SEND_MESSAGE, Map.of("author", "ada", "text", "whole")).assertSucceeded();
            JsonNode message = chat.awaitNext(Duration.ofSeconds(10), NOT_THE_CANARY).at("/payload/data/onMessage");
            assertEquals("ada", message.path("author").asText(), message.toString());
            assertEquals("whole", message.path("text").asText(), message.toString());
        }
    }

    @Test
    void theAckCarriesConnectionTimeoutMsAndAuthWorksAsAHeaderSubprotocol() throws Exception {
        String good = headerProtocol(run.apiKeyClient().authHeaders());
        JsonNode ack = handshake(good);
        assertEquals("connection_ack", ack.path("type").asText(), ack.toString());
        // AppSync's ack: {"type":"connection_ack","payload":{"connectionTimeoutMs":300000}}
        assertEquals(300000, ack.at("/payload/connectionTimeoutMs").asInt(), ack.toString());

        Map<String, String> wrongKey = new java.util.HashMap<>(run.apiKeyClient().authHeaders());
        wrongKey.put("x-api-key", "da2-not-the-key");
        JsonNode refused = handshake(headerProtocol(wrongKey));
        // As AppSync refuses it: connection_error UnauthorizedException in answer to connection_init.
        assertEquals("connection_error", refused.path("type").asText(), "a wrong key in the subprotocol is refused: "
                + refused);
        assertEquals("UnauthorizedException", refused.at("/payload/errors/0/errorType").asText(), refused.toString());
    }

    /**
     * {@code reviews seed --local}: through the IAM gateway as the operator policy allows (the rows
     * exist, so every one is kept and no count changes).
     */
    @Test
    void theOperatorSeedsTheLocalRunsReviewsAndKeepsEveryExistingRow() {
        StringWriter output = new StringWriter();
        PrintWriter writer = new PrintWriter(output, true);
        int exit = new CommandLine(new ReviewsCli(AwsClients.defaults())).setOut(writer).setErr(writer)
                .execute("seed", "--local", run.readyFile().toString());

        assertEquals(ReviewsCli.OK, exit, output.toString());
        for (String reaction : List.of("LOVE", "LIKE", "MEH", "UNKNOWN", "HATE")) {
            assertTrue(output.toString().contains("kept " + reaction), output.toString());
        }
    }

    @Test
    void aMalformedMessageDoesNotStopTheServer() {
        try (RealtimeSubscriber client = run.subscriber()) {
            client.sendRaw("{this is not json");
            client.sendRaw("{\"type\":\"start\",\"id\":\"x\",\"payload\":{\"data\":\"subscription {\"}}");
            client.subscribe(Operations.ON_MESSAGE);
            run.apiKeyClient().execute(Operations.SEND_MESSAGE, Map.of("author", "ada", "text", "still here"))
                    .assertSucceeded();
            JsonNode event;
            do {
                event = client.awaitNext(Duration.ofSeconds(10), NOT_THE_CANARY);
            } while (!"data".equals(event.path("type").asText()));
            assertEquals("still here", event.at("/payload/data/onMessage/text").asText());
        }
    }

    private static JsonNode nextMovie(RealtimeSubscriber viewer) {
        JsonNode event = viewer.awaitNext(ROTATION_WAIT);
        assertTrue(event.at("/payload/errors").isMissingNode(), event.toString());
        return event.at("/payload/data/onCurrentMovie");
    }

    /** The LOVE counts of movieId this subscriber receives, until one reaches {@code wanted}; returns it. */
    private static int loveCountReaching(RealtimeSubscriber subscriber, String movieId, int wanted) {
        while (true) {
            JsonNode review = subscriber.awaitNext(Duration.ofSeconds(10)).at("/payload/data/onReview");
            if ("LOVE".equals(review.path("reaction").asText()) && movieId.equals(review.path("movieId").asText())
                    && review.path("count").asInt() >= wanted) {
                return review.path("count").asInt();
            }
        }
    }

    private static String headerProtocol(Map<String, String> headers) throws Exception {
        return "header-" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(JSON.writeValueAsBytes(headers));
    }

    /** Connects with graphql-ws and the given auth subprotocol, sends connection_init; the answer. */
    private static JsonNode handshake(String authProtocol) throws Exception {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        JsonNode message = JSON.readTree(text.toString());
                        if (!"ka".equals(message.path("type").asText())) {
                            answer.complete(message);
                        }
                    } catch (java.io.IOException e) {
                        answer.completeExceptionally(e);
                    }
                    text.setLength(0);
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                answer.complete(JSON.createObjectNode().put("type", "closed").put("status", status));
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                answer.complete(JSON.createObjectNode().put("type", "closed").put("error", error.toString()));
            }
        };
        WebSocket socket;
        try {
            socket = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().newWebSocketBuilder()
                    .subprotocols("graphql-ws", authProtocol)
                    .buildAsync(URI.create(run.text("realtimeUrl")), listener).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return JSON.createObjectNode().put("type", "closed").put("error", e.getCause().toString());
        }
        socket.sendText("{\"type\":\"connection_init\"}", true);
        try {
            return answer.get(10, TimeUnit.SECONDS);
        } finally {
            socket.abort();
        }
    }
}
