package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One acknowledged subscription of a {@link RealtimeConnection}: every event it received since its
 * {@code start_ack}, kept in arrival order so several checks can look at the same stream (the rotation
 * check at every movie since the handshake, the vote check at the movie it needs).
 */
public final class RealtimeSubscription {

    private final String name;
    private final String id;
    private final List<RealtimeEvent> events = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private String closedBecause;

    RealtimeSubscription(String name, String id) {
        this.name = name;
        this.id = id;
    }

    /** What was subscribed, for messages: {@code onTick(ZZVERIFY)}. */
    public String name() {
        return name;
    }

    String id() {
        return id;
    }

    synchronized void add(RealtimeEvent event) {
        events.add(event);
        notifyAll();
    }

    synchronized void addError(String error) {
        errors.add(error);
        notifyAll();
    }

    synchronized void closed(String why) {
        closedBecause = why;
        notifyAll();
    }

    /** How many events came so far: an index for {@link #since} and {@link #awaitUntil}. */
    public synchronized int size() {
        return events.size();
    }

    /** The events from {@code index} on. */
    public synchronized List<RealtimeEvent> since(int index) {
        return List.copyOf(events.subList(Math.min(index, events.size()), events.size()));
    }

    /** Errors the server sent about this subscription after acknowledging it. */
    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** Why the connection closed under this subscription, or null while it is open. */
    public synchronized String closedBecause() {
        return closedBecause;
    }

    /**
     * Waits until {@code done} holds for the events from {@code index} on, or the timeout passes, or
     * the connection closes; returns those events either way (the caller judges them).
     */
    public synchronized List<RealtimeEvent> awaitUntil(int index, Predicate<List<RealtimeEvent>> done,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(since(index)) && closedBecause == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                wait(Math.max(1, left / 1_000_000), 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return since(index);
    }

    /** The first event from {@code index} on that matches, waiting up to the timeout; null if none came. */
    public RealtimeEvent awaitFirst(int index, Predicate<JsonNode> match, Duration timeout) {
        List<RealtimeEvent> seen = awaitUntil(index, list -> list.stream().anyMatch(e -> match.test(e.value())),
                timeout);
        return seen.stream().filter(e -> match.test(e.value())).findFirst().orElse(null);
    }
}
