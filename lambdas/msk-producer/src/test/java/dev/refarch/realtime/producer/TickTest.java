package dev.refarch.realtime.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TickTest {

    private static final Tick TICK = new Tick("AMZN", 1.5, 1, 2, 0.5, 100, Instant.parse("2026-11-21T10:15:30.123456Z"));

    @Test
    void jsonHasExactlyTheFieldsOfGraphqlTickInput() throws Exception {
        String schema = Files.readString(Path.of("../../graphql/schema.graphql"));
        Matcher input = Pattern.compile("input TickInput \\{([^}]*)}").matcher(schema);
        input.find();
        Set<String> schemaFields = new LinkedHashSet<>();
        Matcher field = Pattern.compile("(?m)^\\s*(\\w+)\\s*:").matcher(input.group(1));
        while (field.find()) {
            schemaFields.add(field.group(1));
        }

        JsonNode json = new ObjectMapper().readTree(TICK.toJson(7, OptionalLong.of(6)));

        List<String> jsonFields = new ArrayList<>();
        json.fieldNames().forEachRemaining(jsonFields::add);
        assertEquals(schemaFields, new LinkedHashSet<>(jsonFields));
        assertEquals(true, schemaFields.contains("previousSequence"), schemaFields.toString());
    }

    @Test
    void previousSequenceIsAJsonIntegerWhenKnownAndLeftOutWhenNot() throws Exception {
        JsonNode known = new ObjectMapper().readTree(TICK.toJson(1763720130123L, OptionalLong.of(1763720129123L)));
        assertEquals(true, known.get("previousSequence").isIntegralNumber());
        assertEquals(1763720129123L, known.get("previousSequence").asLong());
        JsonNode unknown = new ObjectMapper().readTree(TICK.toJson(1763720130123L, OptionalLong.empty()));
        assertEquals(false, unknown.has("previousSequence"), unknown.toString());
        assertEquals(unknown, new ObjectMapper().readTree(TICK.toJson(1763720130123L)));
    }

    @Test
    void timestampIsIso8601UtcWithMillisecondsAndSequenceAJsonInteger() throws Exception {
        JsonNode json = new ObjectMapper().readTree(TICK.toJson(1763720130123L));
        assertEquals("2026-11-21T10:15:30.123Z", json.get("timestamp").asText());
        assertEquals(1.5, json.get("price").asDouble());
        assertEquals(100.0, json.get("volume").asDouble());
        assertEquals(true, json.get("sequence").isIntegralNumber());
        assertEquals(1763720130123L, json.get("sequence").asLong());
    }
}
