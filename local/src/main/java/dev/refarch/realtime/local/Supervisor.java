package dev.refarch.realtime.local;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts components in the given (dependency) order, printing one line as each is ready; watches
 * them; and stops the started ones in reverse order, once, when asked (Ctrl-C), when one fails to
 * start, or when one dies, whose last log lines it prints first.
 */
public final class Supervisor {

    private static final int TAIL_LINES = 20;
    private static final long WATCH_MILLIS = 500;

    private final PrintStream out;
    private final List<Component> started = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    public Supervisor(PrintStream out) {
        this.out = out;
    }

    /** Starts every component in order; on a failure stops those already started and rethrows. */
    public void startAll(List<Component> components) {
        startStages(components.stream().map(List::of).toList());
    }

    /**
     * Starts stage after stage; the components of one stage do not depend on each other and
     * start in parallel (each stage waits for the previous one to be ready). On a failure the
     * started components stop, in reverse order, and the failure is rethrown.
     */
    public void startStages(List<List<Component>> stages) {
        for (List<Component> stage : stages) {
            if (stopping) {
                throw new LocalRunException("stopped while starting");
            }
            List<java.util.concurrent.CompletableFuture<Void>> starts = new ArrayList<>();
            for (Component component : stage) {
                synchronized (started) {
                    started.add(component);
                }
                starts.add(java.util.concurrent.CompletableFuture.runAsync(() -> startOne(component),
                        command -> {
                            Thread t = new Thread(command, "start-" + component.name());
                            t.setDaemon(true);
                            t.start();
                        }));
            }
            for (int i = 0; i < stage.size(); i++) {
                try {
                    starts.get(i).join();
                } catch (java.util.concurrent.CompletionException e) {
                    Component component = stage.get(i);
                    Throwable cause = e.getCause();
                    // Let the rest of the stage finish starting, so that stopping them is clean.
                    starts.forEach(f -> f.handle((v, x) -> null).join());
                    printTail(component);
                    stopAll();
                    throw new LocalRunException("component " + component.name() + " failed to start: "
                            + describe(cause), cause);
                }
            }
        }
    }

    private void startOne(Component component) {
        long begin = System.nanoTime();
        try {
            component.start();
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        synchronized (out) {
            out.printf("ready  %-20s %s (%d ms)%n", component.name(), component.readyDetail(), ms);
        }
    }

    /**
     * Blocks until {@link #stopAll()} ran; meanwhile checks the components and stops the run
     * when one has died. Returns the failure, or empty after an orderly stop.
     */
    public Optional<String> watch() {
        while (true) {
            try {
                if (stopped.await(WATCH_MILLIS, TimeUnit.MILLISECONDS)) {
                    return Optional.empty();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopAll();
                return Optional.empty();
            }
            List<Component> snapshot;
            synchronized (started) {
                snapshot = List.copyOf(started);
            }
            for (Component component : snapshot) {
                Optional<String> failure = stopping ? Optional.empty() : component.failure();
                if (failure.isPresent() && shuttingDown()) {
                    // Ctrl-C in a terminal reaches the children too: they end with the run, not before it.
                    continue;
                }
                if (failure.isPresent()) {
                    out.println("FAILED " + component.name() + ": " + failure.get());
                    printTail(component);
                    out.println("stopping the run because " + component.name() + " died");
                    stopAll();
                    return failure;
                }
            }
        }
    }

    /** Whether the JVM is exiting (its shutdown hook, which calls stopAll, is about to run or runs). */
    private boolean shuttingDown() {
        try {
            Thread.sleep(WATCH_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
        if (stopping) {
            return true;
        }
        try {
            Thread probe = new Thread(() -> { });
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** Stops the started components in reverse order; later calls wait for the first. */
    public void stopAll() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        List<Component> reverse;
        synchronized (started) {
            reverse = new ArrayList<>(started);
        }
        java.util.Collections.reverse(reverse);
        for (Component component : reverse) {
            try {
                component.stop();
                out.println("stopped " + component.name());
            } catch (RuntimeException e) {
                out.println("could not stop " + component.name() + " cleanly: " + describe(e));
            }
        }
        stopped.countDown();
    }

    private void printTail(Component component) {
        List<String> tail = LogFolder.tail(component.log(), TAIL_LINES);
        out.println("last " + tail.size() + " lines of " + component.log() + ":");
        tail.forEach(line -> out.println("  | " + line));
    }

    private static String describe(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            message.append("; caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return message.toString();
    }
}
