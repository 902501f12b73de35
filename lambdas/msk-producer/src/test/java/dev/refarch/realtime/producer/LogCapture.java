package dev.refarch.realtime.producer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Keeps every log event (message, structured arguments, stack trace) as text, for assertions. */
final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> events = new CopyOnWriteArrayList<>();

    private LogCapture() {
        super("LogCapture", null, null, true, Property.EMPTY_ARRAY);
    }

    static LogCapture attach() {
        LogCapture capture = new LogCapture();
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
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
    }

    List<String> events() {
        return List.copyOf(events);
    }

    void assertNoneContains(String secret) {
        for (String event : events) {
            if (event.contains(secret)) {
                throw new AssertionError("A log event holds a secret value: " + event.substring(0, Math.min(200, event.length())));
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
