package dev.refarch.realtime.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;

/**
 * Structured logs and metrics without a framework: one JSON object per line on stdout, which
 * Lambda ships to CloudWatch Logs. Metrics use CloudWatch's embedded metric format, so
 * CloudWatch extracts them from the log line with no API call and no extra dependency.
 */
final class ConsumerLog {

    static final String NAMESPACE = "RealtimeRefarch";
    static final String SERVICE = "msk-consumer";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile PrintStream out = System.out;

    private ConsumerLog() {
    }

    /** Where lines go; tests capture them. */
    static void redirect(PrintStream stream) {
        out = stream;
    }

    static void info(String message, Map<String, ?> fields) {
        write("INFO", message, fields);
    }

    static void warn(String message, Map<String, ?> fields) {
        write("WARN", message, fields);
    }

    /** One EMF line carrying the invocation's counters. */
    static void metrics(Map<String, Integer> counts) {
        ObjectNode line = JSON.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", System.currentTimeMillis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("Service");
        var metrics = directive.putArray("Metrics");
        line.put("Service", SERVICE);
        counts.forEach((name, value) -> {
            metrics.addObject().put("Name", name).put("Unit", "Count");
            line.put(name, value);
        });
        print(line);
    }

    private static void write(String level, String message, Map<String, ?> fields) {
        ObjectNode line = JSON.createObjectNode();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("service", SERVICE);
        line.put("message", message);
        fields.forEach((name, value) -> line.set(name, JSON.valueToTree(value)));
        print(line);
    }

    private static void print(ObjectNode line) {
        try {
            out.println(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            out.println("{\"level\":\"ERROR\",\"message\":\"log line not serializable\"}");
        }
    }
}
