package dev.refarch.realtime.appsync;

/** Base of everything {@link AppSyncClient} throws, so callers can catch one type. */
public abstract class AppSyncException extends RuntimeException {

    AppSyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
