package dev.refarch.realtime.broadcaster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.graphql.TableContract.Reviews;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the event a DynamoDB Streams event source mapping sends ({@code Records[]}, each with
 * {@code eventName} and {@code dynamodb.NewImage} / {@code dynamodb.SequenceNumber} in the
 * attribute-value JSON of the DynamoDB API). Records without a new image ({@code REMOVE}) and
 * rows of a reaction the schema does not know carry nothing to broadcast and are skipped; they
 * are counted in {@link #skipped()}.
 *
 * @param changes the rows' new images, in stream order
 * @param skipped records that carried nothing to broadcast
 * @param records every record of the event
 */
public record ReviewStreamEvent(List<ReviewChange> changes, int skipped, int records) {

    /** Parses Lambda's DynamoDB Streams event JSON. */
    public static ReviewStreamEvent parse(InputStream input, ObjectMapper json) throws IOException {
        return of(json.readTree(input));
    }

    /** Reads an already parsed event. */
    public static ReviewStreamEvent of(JsonNode event) {
        List<ReviewChange> changes = new ArrayList<>();
        int skipped = 0;
        int records = 0;
        for (JsonNode record : event.path("Records")) {
            records++;
            JsonNode dynamodb = record.path("dynamodb");
            JsonNode image = dynamodb.path("NewImage");
            String key = string(image, Reviews.REACTION);
            // A shard's record counts as a change of its reaction (the broadcaster sums the shards).
            String reaction = key == null ? null : Reviews.reactionOf(key);
            if (!image.isObject() || reaction == null || !Reviews.REACTIONS.contains(reaction)) {
                skipped++;
                continue;
            }
            changes.add(new ReviewChange(dynamodb.path("SequenceNumber").asText(), new ReviewState(reaction,
                    string(image, Reviews.MOVIE_ID), number(image, Reviews.COUNT),
                    string(image, Reviews.TOP_MOVIE_ID), string(image, Reviews.TOP_MOVIE_TITLE),
                    number(image, Reviews.TOP_COUNT), number(image, Reviews.VERSION))));
        }
        return new ReviewStreamEvent(List.copyOf(changes), skipped, records);
    }

    private static String string(JsonNode image, String name) {
        JsonNode value = image.path(name).path("S");
        return value.isTextual() ? value.asText() : null;
    }

    private static long number(JsonNode image, String name) {
        JsonNode value = image.path(name).path("N");
        return value.isTextual() ? Long.parseLong(value.asText()) : 0;
    }
}
