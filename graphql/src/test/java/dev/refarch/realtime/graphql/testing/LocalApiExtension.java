package dev.refarch.realtime.graphql.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link LocalApi} (DynamoDB Local + the AppSync simulator) before a test class and
 * stops it after: {@code @RegisterExtension static final LocalApiExtension LOCAL = new LocalApiExtension();}
 */
public final class LocalApiExtension implements BeforeAllCallback, AfterAllCallback {

    private LocalApi api;

    @Override
    public void beforeAll(ExtensionContext context) {
        api = LocalApi.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (api != null) {
            api.close();
            api = null;
        }
    }

    /** The running API; only between the class's first and last test. */
    public LocalApi api() {
        if (api == null) {
            throw new IllegalStateException("LocalApi is not running: register this extension as a static field");
        }
        return api;
    }
}
