package dev.refarch.realtime.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refarch.realtime.graphql.testing.AppSyncSchema;
import dev.refarch.realtime.graphql.testing.GraphqlClient;
import dev.refarch.realtime.graphql.testing.LocalApi;
import dev.refarch.realtime.graphql.testing.LocalApiExtension;
import dev.refarch.realtime.graphql.testing.Operations;
import dev.refarch.realtime.graphql.testing.RealtimeSubscriber;
import graphql.schema.GraphQLFieldDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chat resolver (NONE data source): exact round trip, validation, a whole selection from every sender,
 * nothing broadcast on rejection.
 */
class ChatResolverTest {

    @RegisterExtension
    static final LocalApiExtension LOCAL = new LocalApiExtension();

    private static LocalApi api() {
        return LOCAL.api();
    }

    private static GraphqlClient.Response send(String author, String text) {
        return api().apiKeyClient().execute(Operations.SEND_MESSAGE, Map.of("author", author, "text", text));
    }

    @Test
    void messagesWithQuotesBackslashesJsonAndEmojiRoundTripExactlyAfterTrimming() {
        List<String> texts = List.of(
                "she said \"hi\" and left",
                "C:\\temp\\new \\\" \\u0041",
                "{\"json\":1}",
                "'); DROP TABLE reviews; --",
                "$util.error(\"x\") #set($a = 1) ${ctx.args}",
                "caf\u00e9 \u65e5\u672c\u8a9e \uD83C\uDF7F\uD83D\uDC4D\uD83C\uDFFD \u200d");
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_MESSAGE);
            for (String text : texts) {
                JsonNode sent = send("  \"quote\" \\ \uD83D\uDE00\u00a0", "\u3000 " + text + "   ").assertSucceeded().data("sendMessage");
                assertEquals("\"quote\" \\ \uD83D\uDE00", sent.path("author").asText());
                assertEquals(text.strip(), sent.path("text").asText());
                assertFalse(sent.path("id").asText().isEmpty());
                Instant.parse(sent.path("sentAt").asText());
                JsonNode received = subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onMessage");
                assertEquals(sent, received);
            }
        }
    }

    @Test
    void invalidMessagesAreRejectedAndNeverBroadcast() {
        List<Map<String, String>> invalid = List.of(
                Map.of("author", "", "text", "hello"),
                Map.of("author", "ann", "text", ""),
                Map.of("author", "   ", "text", "hello"),
                Map.of("author", "ann", "text", "    "),
                Map.of("author", "ann", "text", "\u00a0\u3000\ufeff "),
                Map.of("author", "ann", "text", "\u0000leading nul"),
                Map.of("author", "ann", "text", "trailing newline\n"),
                Map.of("author", "ann", "text", "line\u2028separator"),
                Map.of("author", "a".repeat(33), "text", "hello"),
                Map.of("author", "ann", "text", "x".repeat(501)),
                Map.of("author", "ann", "text", "nul\u0000byte"),
                Map.of("author", "ann", "text", "two\nlines"),
                Map.of("author", "ann", "text", "tab\there"),
                Map.of("author", "ann", "text", "del\u007fchar"),
                Map.of("author", "ann", "text", "next\u0085line"),
                Map.of("author", "a\u0000b", "text", "hello"),
                Map.of("author", "a\tb", "text", "hello"));
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_MESSAGE);
            for (Map<String, String> message : invalid) {
                GraphqlClient.Response response = send(message.get("author"), message.get("text"));
                try {
                    response.assertErrorType("InvalidMessage");
                } catch (AssertionError e) {
                    throw new AssertionError("accepted or wrong error for " + message + ": " + e.getMessage(), e);
                }
            }
            send("ann", "the first valid one").assertSucceeded();
            JsonNode first = subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onMessage");
            assertEquals("the first valid one", first.path("text").asText(), "a rejected message was broadcast: " + first);
            subscriber.assertNothingWithin(Duration.ofMillis(300));
        }
    }

    /**
     * onMessage subscribers receive only the fields sendMessage selected, so a sender selecting less
     * (or faking a field's name with an alias, a fragment or a directive) is refused and nothing
     * reaches anyone; a whole selection arrives whole
     * (https://docs.aws.amazon.com/appsync/latest/devguide/resolver-context-reference.html, "info").
     */
    @Test
    void aSenderSelectingLessThanAWholeMessageIsRefusedAndNothingIsBroadcast() {
        List<String> selections = List.of(
                "id",
                "id author text",
                "id text sentAt",
                "id author: text text sentAt",
                "id author text sentAt: id",
                "...whole",
                "... on Message { id author text sentAt }",
                "id author text sentAt @include(if: true)");
        try (RealtimeSubscriber subscriber = api().apiKeySubscriber()) {
            subscriber.subscribe(Operations.ON_MESSAGE);
            for (String selection : selections) {
                sendSelecting(selection, "not for everyone").assertErrorType("IncompleteSelection");
            }
            JsonNode sent = sendSelecting(Operations.MESSAGE_FIELDS, "whole").assertSucceeded().data("sendMessage");
            JsonNode received = subscriber.awaitNext(Duration.ofSeconds(5)).at("/payload/data/onMessage");
            assertEquals(sent, received, "a refused message was broadcast, or a whole one arrived in part");
            subscriber.assertNothingWithin(Duration.ofMillis(300));
        }
    }

    /** Read from the schema, so a field added to Message must be added to the template's check too. */
    @Test
    void everyFieldOfMessageMustBeSelectedAndJavaSendersSelectThemAll() {
        List<String> fields = AppSyncSchema.schema().getObjectType("Message").getFieldDefinitions().stream()
                .map(GraphQLFieldDefinition::getName).toList();
        assertEquals(new TreeSet<>(fields), new TreeSet<>(List.of(Operations.MESSAGE_FIELDS.split(" "))));
        for (String left : fields) {
            String selection = String.join(" ", fields.stream().filter(f -> !f.equals(left)).toList());
            sendSelecting(selection, "without " + left).assertErrorType("IncompleteSelection");
        }
        sendSelecting(String.join(" ", fields), "all of them").assertSucceeded();
    }

    private static GraphqlClient.Response sendSelecting(String selection, String text) {
        String operation = "mutation Send($author: String!, $text: String!) { sendMessage(author: $author, text: $text) { "
                + selection + " } }" + (selection.contains("...whole") ? " fragment whole on Message { id author text sentAt }" : "");
        return api().apiKeyClient().execute(operation, Map.of("author", "ann", "text", text));
    }

    @Test
    void authorOf32AndTextOf500CharactersAreAccepted() {
        JsonNode sent = send("a".repeat(32), "x".repeat(500)).assertSucceeded().data("sendMessage");
        assertEquals(32, sent.path("author").asText().length());
        assertEquals(500, sent.path("text").asText().length());
    }
}
