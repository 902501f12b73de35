package dev.refarch.realtime.renewer;

/** AppSync refused or failed the renewal: the invocation fails, so it shows in Errors and the on-failure queue. */
public final class ApiKeyRenewalException extends RuntimeException {

    public ApiKeyRenewalException(String message) {
        super(message);
    }

    public ApiKeyRenewalException(String message, Throwable cause) {
        super(message, cause);
    }
}
