package dev.refarch.realtime.consumer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Keeps every log event twice: as text (message, structured arguments, stack trace) and as the
 * JSON line the function's Powertools layout writes for it, for assertions.
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Layout<?> jsonLayout;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture(Layout<?> jsonLayout) {
        super("LogCapture", null, null, true, Property.EMPTY_ARRAY);
        this.jsonLayout = jsonLayout;
    }

    static LogCapture attach() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LogCapture capture = new LogCapture(context.getConfiguration().getAppender("JsonAppender").getLayout());
        capture.start();
        context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        context.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder text = new StringBuilder(event.getLoggerName()).append(' ')
                .append(event.getMessage().getFormattedMessage());
        for (Object parameter : event.getMessage().getParameters() == null ? new Object[0] : event.getMessage().getParameters()) {
            text.append(' ').append(parameter);
        }
        if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            text.append('\n').append(trace);
        }
        events.add(text.toString());
        lines.add(String.valueOf(jsonLayout.toSerializable(event)));
    }

    List<String> events() {
        return List.copyOf(events);
    }

    /** Each event as the Powertools JSON layout renders it, parsed: message and structured fields at the top. */
    List<Map<String, Object>> structured() {
        List<Map<String, Object>> parsed = new ArrayList<>();
        for (String line : lines) {
            try {
                parsed.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() { }));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException("not one JSON object: " + line, e);
            }
        }
        return parsed;
    }

    void assertNoneContains(String secret) {
        for (List<String> kind : List.of(events, lines)) {
            for (String event : kind) {
                if (event.contains(secret)) {
                    throw new AssertionError("A log event holds " + secret + ": "
                            + event.substring(0, Math.min(300, event.length())));
                }
            }
        }
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
