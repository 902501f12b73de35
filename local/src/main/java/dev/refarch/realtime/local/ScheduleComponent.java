package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invokes a function on a fixed cadence anchored to the run's start (the deploy's schedule: the
 * rotator every {@code rotationSeconds}, the producer every minute, the canary every
 * {@code canaryMinutes}), with an EventBridge scheduled event. The first slot is at the start, or one
 * period after it ({@link #afterOnePeriod}) as an EventBridge rate rule first fires. A slot that finds the previous invocation still running is skipped: each
 * function has one execution environment here, where Lambda would start a second (the producer's
 * runs end within their slot, and the rotator's are fenced, so that changes only when work runs);
 * a failed invocation is logged and the next slot still runs.
 */
final class ScheduleComponent implements Component {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleComponent.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalSettings settings;
    private final String name;
    private final FunctionComponent function;
    private final Duration period;
    private final Duration firstDelay;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private ScheduledExecutorService timer;
    private java.util.concurrent.ExecutorService invoker;

    /** Invokes at once, then every {@code period}: the rotator's first movie and the producer's first ticks at start. */
    ScheduleComponent(LocalSettings settings, String name, FunctionComponent function, Duration period) {
        this(settings, name, function, period, Duration.ZERO);
    }

    private ScheduleComponent(LocalSettings settings, String name, FunctionComponent function, Duration period,
                              Duration firstDelay) {
        this.settings = settings;
        this.name = name;
        this.function = function;
        this.period = period;
        this.firstDelay = firstDelay;
    }

    /** First invokes one {@code period} after the start, then every {@code period}. */
    static ScheduleComponent afterOnePeriod(LocalSettings settings, String name, FunctionComponent function,
                                            Duration period) {
        return new ScheduleComponent(settings, name, function, period, period);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(InProcessHttpComponent.daemon(name));
        invoker = Executors.newSingleThreadExecutor(InProcessHttpComponent.daemon(name + "-invoke"));
        timer.scheduleAtFixedRate(this::fire, firstDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fire() {
        if (!busy.compareAndSet(false, true)) {
            LOG.warn("{}: {} is still running; this slot is skipped (one execution environment here)", name,
                    function.name());
            return;
        }
        // Off the timer thread, so the cadence holds while an invocation runs.
        invoker.execute(() -> {
            try {
                RuntimeApi.Result result = function.invoke(scheduledEvent());
                invocations.incrementAndGet();
                if (result.error()) {
                    failures.incrementAndGet();
                    LOG.warn("{}: {} failed: {}", name, function.name(), result.body());
                } else {
                    LOG.info("{}: {} returned {}", name, function.name(), result.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.warn("{}: invoking {} failed: {}", name, function.name(), e.getMessage());
            } finally {
                busy.set(false);
            }
        });
    }

    /** What an EventBridge schedule rule sends. */
    private String scheduledEvent() {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", LocalSettings.ACCOUNT);
        event.put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", LocalSettings.REGION);
        event.putArray("resources").add("arn:aws:events:" + LocalSettings.REGION + ":" + LocalSettings.ACCOUNT
                + ":rule/" + name);
        event.putObject("detail");
        return event.toString();
    }

    @Override
    public String readyDetail() {
        return "invokes " + function.name() + " every " + period.toSeconds() + " s"
                + (firstDelay.isZero() ? "" : ", first in " + firstDelay.toSeconds() + " s");
    }

    @Override
    public Optional<String> failure() {
        return Optional.empty();
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
            invoker.shutdownNow();
        }
    }

    @Override
    public Path log() {
        return settings.logs().file("runner");
    }
}
