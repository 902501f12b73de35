package dev.refarch.realtime.local;

import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The polling thread of an event source mapping component ({@link EventSourceMappingComponent},
 * {@link StreamMappingComponent}): runs the mapping's loop on a daemon thread while the component
 * runs, turns an exception that ends it into the component's {@link Component#failure()}, and
 * stops it.
 */
final class MappingPoller {

    /** The mapping's loop: returns once {@link #running()} is false (or throws). */
    interface Loop {
        void run() throws InterruptedException;
    }

    private final String threadName;
    private final String what;
    private final Logger log;
    private final boolean interruptOnStop;
    private final Duration stopWait;
    private Thread thread;
    private volatile boolean running;
    private volatile String crash;

    /**
     * @param what            the mapping, as its log line names it ("... poller stopped")
     * @param log             the component's log
     * @param interruptOnStop whether stopping interrupts the thread (not where the loop is inside a
     *                        Kafka consumer, which an interrupt breaks)
     * @param stopWait        how long stopping waits for the thread to end
     */
    MappingPoller(String threadName, String what, Logger log, boolean interruptOnStop, Duration stopWait) {
        this.threadName = threadName;
        this.what = what;
        this.log = log;
        this.interruptOnStop = interruptOnStop;
        this.stopWait = stopWait;
    }

    /** Starts the thread; {@code cleanup} runs on it when the loop ends, however it ends. */
    void start(Loop loop, Runnable cleanup) {
        running = true;
        thread = new Thread(() -> {
            try {
                loop.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (running) {
                    crash = "poller stopped: " + e;
                    log.error("{} poller stopped", what, e);
                }
            } finally {
                cleanup.run();
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the loop should go on: false once stopping began. */
    boolean running() {
        return running;
    }

    /** Why the loop ended while the component was running, or empty. */
    Optional<String> failure() {
        return Optional.ofNullable(crash);
    }

    /**
     * Ends the loop and waits for the thread.
     *
     * @return whether a thread had been started (if not, the caller frees what its start acquired)
     */
    boolean stop() {
        running = false;
        if (thread == null) {
            return false;
        }
        if (interruptOnStop) {
            thread.interrupt();
        }
        try {
            thread.join(stopWait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
