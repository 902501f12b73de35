package dev.refarch.realtime.rotator;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every count, as {@code Name} or {@code Name[Dimension=value]}, and every value as {@code Name=seconds}. */
final class RecordingMetrics implements RotatorMetrics {

    private final List<String> counts = new CopyOnWriteArrayList<>();

    @Override
    public void count(String metric) {
        counts.add(metric);
    }

    @Override
    public void count(String metric, String dimension, String value) {
        counts.add(metric + "[" + dimension + "=" + value + "]");
    }

    @Override
    public void seconds(String metric, long seconds) {
        counts.add(metric + "=" + seconds);
    }

    List<String> counts() {
        return List.copyOf(counts);
    }

    long occurrences(String name) {
        return counts.stream().filter(c -> c.equals(name) || c.startsWith(name + "[") || c.startsWith(name + "="))
                .count();
    }

    void clear() {
        counts.clear();
    }
}
