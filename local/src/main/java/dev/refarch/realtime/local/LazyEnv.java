package dev.refarch.realtime.local;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A function's environment computed when its JVM starts, after the components it names (the
 * broker's port, the queue's URL) are up.
 */
final class LazyEnv extends AbstractMap<String, String> {

    private final Supplier<Map<String, String>> values;

    LazyEnv(Supplier<Map<String, String>> values) {
        this.values = values;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return values.get().entrySet();
    }
}
