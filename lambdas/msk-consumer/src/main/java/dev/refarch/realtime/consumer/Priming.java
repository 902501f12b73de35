package dev.refarch.realtime.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart priming, once before the snapshot, with no network call and no write: parses an MSK
 * event of one tick with the handler's parser, has the consumer validate it and the AppSync client build,
 * sign (with a throwaway credential) and drop its {@code publishTick} request and read a response,
 * and writes a partial batch response with the handler's mapper, so the first batch after a
 * restore finds those classes loaded, the mappers' serializers built and their code warm. The
 * function's own credentials are not resolved before the snapshot; nothing is sent.
 */
final class Priming implements Resource {

    private static final String TICK = """
            {"symbol":"AMZN","price":180.5,"open":180.0,"high":181.0,"low":179.5,"volume":1000,\
            "timestamp":"2026-01-01T00:00:00Z","sequence":1}""";

    private final ObjectMapper json;
    private final MskEventParser parser;
    private final TickConsumer consumer;

    Priming(ObjectMapper json, MskEventParser parser, TickConsumer consumer) {
        this.json = json;
        this.parser = parser;
        this.consumer = consumer;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws IOException {
        MskEvent event = parser.parse(new ByteArrayInputStream(event().getBytes(StandardCharsets.UTF_8)));
        List<KafkaRecord> records = event.records().values().iterator().next();
        consumer.prime(records.get(0));
        json.writeValueAsBytes(BatchResponse.failures(records));
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: credentials are resolved per request.
    }

    /** Lambda's MSK event of the one priming tick. */
    private static String event() {
        String value = Base64.getEncoder().encodeToString(TICK.getBytes(StandardCharsets.UTF_8));
        return """
                {"eventSource":"aws:kafka","eventSourceArn":"arn:aws:kafka:us-east-1:000000000000:cluster/priming/0",\
                "records":{"market-ticks-0":[{"topic":"market-ticks","partition":0,"offset":0,\
                "timestamp":1767225600000,"timestampType":"CREATE_TIME","value":"%s","headers":[]}]}}"""
                .formatted(value);
    }
}
