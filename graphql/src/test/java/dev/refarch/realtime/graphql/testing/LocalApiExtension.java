package dev.refarch.realtime.graphql.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class the {@link LocalApi} (DynamoDB Local + the AppSync simulator) that every
 * class of the test run shares: started by the first class that needs it, kept in the root
 * context's store and closed by JUnit when the run ends (the store closes {@link AutoCloseable}
 * values). {@code @RegisterExtension static final LocalApiExtension LOCAL = new LocalApiExtension();}
 * Tables are shared across classes too, so a test uses its own keys (symbols, movie ids) or
 * seeds what it reads.
 */
public final class LocalApiExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalApiExtension.class);

    private LocalApi api;

    @Override
    public void beforeAll(ExtensionContext context) {
        api = context.getRoot().getStore(NAMESPACE).computeIfAbsent(LocalApi.class, key -> LocalApi.start(),
                LocalApi.class);
    }

    /** The running API; only between the class's first and last test. */
    public LocalApi api() {
        if (api == null) {
            throw new IllegalStateException("LocalApi is not running: register this extension as a static field");
        }
        return api;
    }
}
