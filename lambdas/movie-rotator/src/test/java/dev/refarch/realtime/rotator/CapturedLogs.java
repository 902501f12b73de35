package dev.refarch.realtime.rotator;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log event while open, each rendered by the production JSON layout (from
 * {@code log4j2.xml}) plus its stack trace, at DEBUG and above for every logger.
 */
final class CapturedLogs implements AutoCloseable {

    /** One event: level and the full rendered text. */
    record Line(Level level, String logger, String text) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final Appender appender;
    private final Level rootLevel;
    private final Level sdkLevel;

    CapturedLogs() {
        Configuration config = context.getConfiguration();
        Appender json = config.getAppender("JsonAppender");
        appender = new AbstractAppender("captured", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder text = new StringBuilder(String.valueOf(json.getLayout().toSerializable(event)));
                if (event.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(trace));
                    text.append(trace);
                }
                lines.add(new Line(event.getLevel(), event.getLoggerName(), text.toString()));
            }
        };
        appender.start();
        LoggerConfig root = config.getRootLogger();
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        root.addAppender(appender, Level.DEBUG, null);
        // The console keeps its level; only the capture sees DEBUG.
        root.removeAppender(json.getName());
        root.addAppender(json, rootLevel, null);
        LoggerConfig sdk = config.getLoggerConfig("software.amazon.awssdk");
        sdkLevel = sdk.getLevel();
        sdk.setLevel(Level.DEBUG);
        context.updateLoggers();
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    List<Line> at(Level level) {
        return lines.stream().filter(l -> l.level() == level).toList();
    }

    List<Line> from(Class<?> type) {
        return lines.stream().filter(l -> l.logger().equals(type.getName())).toList();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender("captured");
        Appender json = config.getAppender("JsonAppender");
        root.removeAppender(json.getName());
        root.addAppender(json, null, null);
        root.setLevel(rootLevel);
        config.getLoggerConfig("software.amazon.awssdk").setLevel(sdkLevel);
        context.updateLoggers();
        appender.stop();
    }
}
