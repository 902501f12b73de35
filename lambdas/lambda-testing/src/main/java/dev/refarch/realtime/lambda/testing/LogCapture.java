package dev.refarch.realtime.lambda.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log event while open, at the configured levels ({@link #attach()}) or at DEBUG
 * for the root and the named loggers ({@link #attachAtDebug(String...)}), each kept as the JSON
 * line the function's own layout (the {@code JsonAppender} of its {@code log4j2.properties}) writes, and
 * as plain text (message, structured arguments, stack trace), so a test can assert what is logged
 * and that nothing secret or private ever is. The console keeps its level.
 */
public final class LogCapture implements AutoCloseable {

    /** The appender name every function's {@code log4j2.properties} gives its Powertools JSON appender. */
    public static final String JSON_APPENDER = "JsonAppender";
    private static final String NAME = "LogCapture";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One event.
     *
     * @param level  its level
     * @param logger the logger's name
     * @param json   the line the function's JSON layout renders (the console form in production)
     * @param text   message, structured arguments and stack trace as text
     */
    public record Line(Level level, String logger, String json, String text) {

        /** The JSON line parsed: message and structured fields at the top level. */
        public Map<String, Object> fields() {
            try {
                return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("not one JSON object: " + json, e);
            }
        }
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final Appender appender;
    private final Level rootLevel;
    /** Levels of the loggers raised to DEBUG while capturing, to restore. */
    private final Map<String, Level> loggerLevels = new java.util.HashMap<>();

    private LogCapture(boolean debug, List<String> debugLoggers) {
        Configuration config = context.getConfiguration();
        Appender console = config.getAppender(JSON_APPENDER);
        if (console == null) {
            throw new IllegalStateException("no appender named " + JSON_APPENDER + " in the log4j2 configuration");
        }
        Layout<?> layout = console.getLayout();
        appender = new AbstractAppender(NAME, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(new Line(event.getLevel(), event.getLoggerName(),
                        String.valueOf(layout.toSerializable(event)).strip(), text(event)));
            }
        };
        appender.start();
        LoggerConfig root = config.getRootLogger();
        rootLevel = root.getLevel();
        if (debug) {
            root.setLevel(Level.DEBUG);
        }
        root.addAppender(appender, null, null);
        // The console keeps what it printed before; only the capture sees more.
        root.removeAppender(console.getName());
        root.addAppender(console, rootLevel, null);
        for (String name : debugLoggers) {
            LoggerConfig logger = config.getLoggerConfig(name);
            if (logger.getName().equals(name)) {
                loggerLevels.put(name, logger.getLevel());
                logger.setLevel(Level.DEBUG);
            }
        }
        context.updateLoggers();
    }

    /** Starts capturing what the configuration logs; close to stop. */
    public static LogCapture attach() {
        return new LogCapture(false, List.of());
    }

    /**
     * Starts capturing at DEBUG for the root logger and for {@code loggers} (e.g.
     * {@code software.amazon.awssdk}, to prove not even debug output holds a secret); the console
     * keeps its level. Close to stop.
     */
    public static LogCapture attachAtDebug(String... loggers) {
        return new LogCapture(true, List.of(loggers));
    }

    private static String text(LogEvent event) {
        StringBuilder text = new StringBuilder(event.getLoggerName()).append(' ')
                .append(event.getMessage().getFormattedMessage());
        Object[] parameters = event.getMessage().getParameters();
        for (Object parameter : parameters == null ? new Object[0] : parameters) {
            text.append(' ').append(parameter);
        }
        if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            text.append('\n').append(trace);
        }
        return text.toString();
    }

    /** Every event so far, in order. */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The events at exactly {@code level}. */
    public List<Line> at(Level level) {
        return lines.stream().filter(l -> l.level() == level).toList();
    }

    /** The events' texts, for substring checks. */
    public List<String> texts() {
        return lines.stream().map(Line::text).toList();
    }

    /** The events as parsed JSON lines. */
    public List<Map<String, Object>> structured() {
        return lines.stream().map(Line::fields).toList();
    }

    /** Fails when any event, as JSON or as text, contains {@code value}. */
    public void assertNoneContains(String value) {
        for (Line line : lines) {
            for (String form : List.of(line.json(), line.text())) {
                if (form.contains(value)) {
                    throw new AssertionError("A log event holds " + value + ": "
                            + form.substring(0, Math.min(300, form.length())));
                }
            }
        }
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender(NAME);
        Appender console = config.getAppender(JSON_APPENDER);
        root.removeAppender(console.getName());
        root.addAppender(console, null, null);
        root.setLevel(rootLevel);
        loggerLevels.forEach((name, level) -> config.getLoggerConfig(name).setLevel(level));
        context.updateLoggers();
        appender.stop();
    }
}
