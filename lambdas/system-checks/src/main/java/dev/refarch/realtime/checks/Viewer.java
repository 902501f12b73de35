package dev.refarch.realtime.checks;

/**
 * The checks' own viewer: one real-time connection with the API key, subscribed to what the page
 * subscribes to (the canary symbol's ticks instead of a real one). The later checks read what it
 * receives.
 *
 * @param connection   the connection
 * @param movies       {@code onCurrentMovie}
 * @param reviews      {@code onReviews}
 * @param messages     {@code onMessage}
 * @param ticks        {@code onTick} of the canary symbol
 * @param subscribedAt {@link System#nanoTime()} when every subscription was acknowledged
 */
record Viewer(RealtimeConnection connection, RealtimeSubscription movies, RealtimeSubscription reviews,
        RealtimeSubscription messages, RealtimeSubscription ticks, long subscribedAt) implements AutoCloseable {

    @Override
    public void close() {
        connection.close();
    }
}
