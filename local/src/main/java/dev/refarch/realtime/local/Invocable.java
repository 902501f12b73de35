package dev.refarch.realtime.local;

/** A function the local run invokes synchronously, as Lambda's RequestResponse invocation. */
interface Invocable {

    String name();

    String functionArn();

    /**
     * Invokes with the event JSON and returns the function's answer (an error result for a
     * function error); throws {@link LocalRunException} if the invocation itself failed (timeout).
     */
    RuntimeApi.Result invoke(String event) throws InterruptedException;
}
