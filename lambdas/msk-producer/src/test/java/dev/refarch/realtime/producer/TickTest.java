package dev.refarch.realtime.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TickTest {

    @Test
    void jsonHasExactlyTheFieldsOfGraphqlTickInput() throws Exception {
        String schema = Files.readString(Path.of("../../graphql/schema.graphql"));
        Matcher input = Pattern.compile("input TickInput \\{([^}]*)}").matcher(schema);
        input.find();
        List<String> schemaFields = new ArrayList<>();
        Matcher field = Pattern.compile("(?m)^\\s*(\\w+)\\s*:").matcher(input.group(1));
        while (field.find()) {
            schemaFields.add(field.group(1));
        }

        JsonNode json = new ObjectMapper().readTree(
                new Tick("AMZN", 1.5, 1, 2, 0.5, 100, Instant.parse("2026-11-21T10:15:30.123456Z")).toJson());

        List<String> jsonFields = new ArrayList<>();
        json.fieldNames().forEachRemaining(jsonFields::add);
        assertEquals(schemaFields, jsonFields);
    }

    @Test
    void timestampIsIso8601UtcWithMilliseconds() throws Exception {
        JsonNode json = new ObjectMapper().readTree(
                new Tick("AMZN", 1.5, 1, 2, 0.5, 100, Instant.parse("2026-11-21T10:15:30.123456Z")).toJson());
        assertEquals("2026-11-21T10:15:30.123Z", json.get("timestamp").asText());
        assertEquals(1.5, json.get("price").asDouble());
        assertEquals(100.0, json.get("volume").asDouble());
    }
}
