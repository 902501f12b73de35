package dev.refarch.realtime.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/** The one folder every component of a run logs into, one file per component. */
public final class LogFolder {

    private final Path dir;

    public LogFolder(Path dir) {
        try {
            this.dir = Files.createDirectories(dir).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log folder " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The log file of a component. */
    public Path file(String component) {
        return dir.resolve(component + ".log");
    }

    /** The last {@code count} lines of a log (fewer if it is shorter; none if it is missing). */
    public static List<String> tail(Path file, int count) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        Deque<String> lines = new ArrayDeque<>();
        try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
            all.forEach(line -> {
                if (lines.size() == count) {
                    lines.removeFirst();
                }
                lines.addLast(line);
            });
        } catch (IOException | UncheckedIOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
        return List.copyOf(lines);
    }
}
