package dev.refarch.realtime.consumer;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.consumer.AppSyncTickPublisher.Outcome;
import dev.refarch.realtime.consumer.Validation.Poison;
import dev.refarch.realtime.consumer.Validation.Valid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * Handles one MSK batch: every valid tick published in offset order per partition (partitions
 * in parallel), every poison record parked in the failure queue when the partition reaches it,
 * and for each partition that could not be finished, the first record not handled reported back
 * so Lambda retries from it.
 *
 * <p>A record is acknowledged (not reported) only when AppSync took it (or answered
 * {@code StaleTick}: its symbol already has it or a newer tick) or the failure queue stored it.
 * AppSync runs every alias of a request (and documents no order among them), so a later tick of
 * a symbol stored while an earlier one's alias failed would make the earlier one's retry
 * {@code StaleTick}, never broadcast. A request may carry several ticks of a symbol (in rising
 * sequence; a tick not above the previous one of its symbol starts the next request), each chained
 * to the previous one of its symbol ({@link AppSyncTickPublisher}): the resolver stores it only
 * once its predecessor is stored or stale, so {@code StaleTick} still means only that this tick
 * went out before. A chained tick whose predecessor was not stored when it ran
 * ({@link Outcome.Resend}) is sent again at once, after its predecessor is settled, with the
 * other such ticks that follow it (up to the next unsettled one) in one request.
 * Per tick: a deterministic rejection is parked and the partition goes on; a transient error on
 * its alias is retried for that tick alone, with backoff, before the partition moves on; a
 * request that fails as a whole stops the partition there. AppSync retries are bounded only by
 * {@code timeLeft}, so an outage uses the whole invocation before anything is reported. Every
 * wait (AppSync, the failure queue, the partition tasks) ends within {@code timeLeft}; a task
 * still running then is reported from where it got to. Records repeated within one event (the
 * same offset twice) are handled once.
 *
 * <p>With {@link Conflation} on ({@code TICK_DELIVERY=latest}) and a batch whose oldest record is
 * older than its threshold (a consumer catching up after an outage), each partition delivers
 * only the newest tick of each symbol in the batch; the ticks it supersedes are acknowledged in
 * their offset order without being sent and counted as {@value #CONFLATED_METRIC}.
 */
public final class TickConsumer implements AutoCloseable {

    /** Connect timeout of the AppSync and SQS clients: below the handler's response margin. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** One AppSync attempt at most (capped by the time left). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** AppSync backoff: from 100 ms, each wait at most 5 s, attempts until the deadline. */
    static final Duration RETRY_BASE = Duration.ofMillis(100);
    static final Duration RETRY_MAX = Duration.ofSeconds(5);
    /**
     * How long past {@code timeLeft} the invocation still waits for a partition task, whose own
     * waits all end by then; part of the handler's margin.
     */
    static final Duration STRAGGLER_WAIT = Duration.ofMillis(300);

    /** Ticks acknowledged without delivery because a newer tick of their symbol followed in the batch. */
    public static final String CONFLATED_METRIC = "TicksConflated";

    private static final Logger LOG = LoggerFactory.getLogger(TickConsumer.class);

    private final TickValidator validator;
    private final AppSyncTickPublisher publisher;
    private final FailureQueue failureQueue;
    private final ConsumerMetrics metrics;
    private final TickRetry tickRetry;
    private final ExecutorService partitions;
    private final Conflation conflation;
    private final java.time.Clock clock;

    /**
     * A consumer running partitions on a fixed pool of {@code partitionThreads} daemon threads,
     * created here once and reused by every invocation.
     */
    public TickConsumer(TickValidator validator, AppSyncTickPublisher publisher, FailureQueue failureQueue,
            ConsumerMetrics metrics, TickRetry tickRetry, int partitionThreads) {
        this(validator, publisher, failureQueue, metrics, tickRetry, partitionThreads, Conflation.NONE,
                java.time.Clock.systemUTC());
    }

    /**
     * As above, conflating old batches as {@code conflation} says, their age measured on {@code clock}
     * against the records' timestamps.
     */
    public TickConsumer(TickValidator validator, AppSyncTickPublisher publisher, FailureQueue failureQueue,
            ConsumerMetrics metrics, TickRetry tickRetry, int partitionThreads, Conflation conflation,
            java.time.Clock clock) {
        this.conflation = conflation;
        this.clock = clock;
        this.validator = validator;
        this.publisher = publisher;
        this.failureQueue = failureQueue;
        this.metrics = metrics;
        this.tickRetry = tickRetry;
        AtomicInteger count = new AtomicInteger();
        this.partitions = Executors.newFixedThreadPool(partitionThreads, task -> {
            Thread thread = new Thread(task, "partition-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * SnapStart priming: validates {@code record} and has its publish request built and signed, not
     * sent. A record the validator refuses stops the priming (and with it the snapshot).
     */
    void prime(KafkaRecord record) {
        if (!(validator.validate(record) instanceof Valid valid)) {
            throw new IllegalStateException("the priming record does not validate: " + record);
        }
        publisher.prime(valid.tick());
    }

    /**
     * The production wiring: the shared AppSync client (IAM; retries until the deadline) and an
     * SQS failure queue, both signed with {@code credentials} (Lambda: the function's role), and
     * the Powertools metrics.
     */
    public static TickConsumer fromConfig(ConsumerConfig config, AwsCredentialsProvider credentials) {
        ObjectMapper json = new ObjectMapper();
        AppSyncClient appSync = AppSyncClient.builder(appSyncConfig(config)).credentialsProvider(credentials).build();
        SqsClientBuilder sqs = SqsClient.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(Duration.ofSeconds(3)))
                // Each call also gets the invocation's remaining time as its apiCallTimeout.
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofSeconds(3))
                        .apiCallTimeout(Duration.ofSeconds(10)));
        if (config.sqsEndpoint() != null) {
            sqs.endpointOverride(config.sqsEndpoint());
        }
        return new TickConsumer(new TickValidator(config.maxRecordBytes()),
                new AppSyncTickPublisher(appSync, config.maxTicksPerRequest()),
                new SqsFailureQueue(sqs.build(), config.failureQueueUrl(), json),
                ConsumerMetrics.powertools(config.metricsNamespace()),
                TickRetry.standard(),
                config.partitionThreads(),
                config.conflation(),
                java.time.Clock.systemUTC());
    }

    /** The AppSync client settings of the production wiring. */
    static AppSyncClientConfig appSyncConfig(ConsumerConfig config) {
        return AppSyncClientConfig.defaults(config.graphqlUrl(), config.region())
                .withTimeouts(CONNECT_TIMEOUT, REQUEST_TIMEOUT)
                .withRetriesUntilDeadline(RETRY_BASE, RETRY_MAX)
                .withBatchLimits(config.maxTicksPerRequest(), 256 * 1024);
    }

    /**
     * Consumes one batch; {@code timeLeft} (the invocation's remaining time minus a margin)
     * bounds every wait.
     */
    public BatchResponse consume(MskEvent event, Supplier<Duration> timeLeft) {
        Map<String, Future<?>> running = new LinkedHashMap<>();
        Map<String, Progress> progress = new LinkedHashMap<>();
        int duplicates = 0;
        // The invocation's log fields (request id, function...) on the partition threads' lines too.
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        boolean conflate = conflation.applies(event.records().values().stream().flatMap(List::stream)
                .mapToLong(KafkaRecord::timestamp).min(), clock.millis());
        for (Map.Entry<String, List<KafkaRecord>> partition : event.records().entrySet()) {
            List<KafkaRecord> records = onePerOffset(partition.getValue());
            duplicates += partition.getValue().size() - records.size();
            if (records.isEmpty()) {
                continue;
            }
            Progress p = new Progress(records);
            progress.put(partition.getKey(), p);
            running.put(partition.getKey(), partitions.submit(() -> {
                MDC.setContextMap(logContext == null ? Map.of() : logContext);
                try {
                    consumePartition(records, timeLeft, p, conflate);
                } finally {
                    MDC.clear();
                }
            }));
        }
        List<KafkaRecord> failed = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>(Map.of("RecordsDelivered", 0, "StaleTicks", 0,
                "PoisonRecords", 0, "PartitionsFailed", 0, "DuplicateRecords", duplicates, CONFLATED_METRIC, 0));
        // One deadline for all the waits: partitions still running then are stopped together.
        long waitUntil = System.nanoTime() + Math.max(0, timeLeft.get().toNanos()) + STRAGGLER_WAIT.toNanos();
        for (Map.Entry<String, Future<?>> partition : running.entrySet()) {
            Progress p = progress.get(partition.getKey());
            await(partition.getKey(), partition.getValue(), waitUntil);
            Progress.Snapshot result = p.snapshot();
            counts.merge("RecordsDelivered", result.delivered(), Integer::sum);
            counts.merge("StaleTicks", result.stale(), Integer::sum);
            counts.merge("PoisonRecords", result.parked(), Integer::sum);
            counts.merge(CONFLATED_METRIC, result.conflated(), Integer::sum);
            if (result.firstUnhandled() != null) {
                failed.add(result.firstUnhandled());
                counts.merge("PartitionsFailed", 1, Integer::sum);
            }
        }
        metrics.flush(counts);
        if (!failed.isEmpty()) {
            LOG.warn("partitions to retry", entry("from", failed.stream().map(KafkaRecord::toString).toList()));
        }
        return BatchResponse.failures(failed);
    }

    /** Lambda may repeat a record within one event; the first of each offset is kept, in offset order. */
    private static List<KafkaRecord> onePerOffset(List<KafkaRecord> records) {
        List<KafkaRecord> unique = new ArrayList<>(records.size());
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (KafkaRecord record : records) {
            if (seen.add(record.offset())) {
                unique.add(record);
            }
        }
        unique.sort(java.util.Comparator.comparingLong(KafkaRecord::offset));
        return unique;
    }

    /** Waits for a partition task until {@code waitUntil} ({@link System#nanoTime()}); then stops it. */
    private static void await(String partition, Future<?> task, long waitUntil) {
        try {
            task.get(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            LOG.warn("partition still running at the deadline", entry("partition", partition));
        } catch (ExecutionException e) {
            // A bug, not a bad record: retry from where the partition got to rather than lose it.
            // The cause's class only: an exception message may quote a record.
            LOG.warn("partition failed unexpectedly", entry("partition", partition),
                    entry("cause", e.getCause().getClass().getName()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.cancel(true);
        }
    }

    private void consumePartition(List<KafkaRecord> records, Supplier<Duration> timeLeft, Progress progress,
            boolean conflate) {
        List<Validation> validations = new ArrayList<>(records.size());
        for (KafkaRecord record : records) {
            validations.add(validator.validate(record));
        }
        boolean[] superseded = conflate ? superseded(validations) : new boolean[validations.size()];
        int next = 0;
        while (next < validations.size()) {
            if (expired(timeLeft)) {
                progress.stopAt(records.get(next));
                return;
            }
            if (validations.get(next) instanceof Poison) {
                // Parked only now that the partition reached it: a retried batch never parks it again.
                int end = next;
                List<Poison> run = new ArrayList<>();
                while (end < validations.size() && run.size() < 10 && validations.get(end) instanceof Poison p) {
                    run.add(p);
                    end++;
                }
                if (!park(run, timeLeft, progress)) {
                    return;
                }
                next = end;
                continue;
            }
            // Valid ticks up to a request's worth, each symbol's in rising sequence (see the class
            // comment); superseded ones ride along unsent, settled in order.
            int end = next;
            List<Valid> chunk = new ArrayList<>();
            Map<String, Long> lastSequence = new java.util.HashMap<>();
            while (end < validations.size() && chunk.size() < publisher.maxTicksPerRequest()
                    && validations.get(end) instanceof Valid v) {
                if (!superseded[end]) {
                    Long last = lastSequence.put(v.tick().symbol(), v.tick().sequence());
                    if (last != null && last >= v.tick().sequence()) {
                        break;
                    }
                    chunk.add(v);
                }
                end++;
            }
            List<Outcome> outcomes = chunk.isEmpty() ? List.of()
                    : new ArrayList<>(publisher.publish(chunk.stream().map(Valid::tick).toList(), timeLeft));
            int sent = 0;
            for (int i = next; i < end; i++) {
                if (superseded[i]) {
                    progress.conflated();
                    continue;
                }
                if (outcomes.get(sent) instanceof Outcome.Resend) {
                    resend(chunk, outcomes, sent, timeLeft);
                }
                if (!settle(chunk.get(sent), outcomes.get(sent), timeLeft, progress)) {
                    return;
                }
                sent++;
            }
            next = end;
        }
    }

    /**
     * Sends {@code chunk.get(from)} again, now that every tick before it is settled, with the later
     * ticks of the chunk also to be resent, up to the first one whose outcome is not final (a
     * transient error, a refusal to park, a failed request: settled later, and nothing may be
     * stored past it before then); their new outcomes replace the old. The first tick is then the
     * first of its symbol in the request, unchained, so its outcome is never Resend again.
     */
    private void resend(List<Valid> chunk, List<Outcome> outcomes, int from, Supplier<Duration> timeLeft) {
        List<Integer> again = new ArrayList<>();
        for (int k = from; k < chunk.size(); k++) {
            Outcome outcome = outcomes.get(k);
            if (outcome instanceof Outcome.Resend) {
                again.add(k);
            } else if (!(outcome instanceof Outcome.Delivered || outcome instanceof Outcome.Stale)) {
                break;
            }
        }
        List<Outcome> answers = publisher.publish(again.stream().map(k -> chunk.get(k).tick()).toList(), timeLeft);
        for (int j = 0; j < again.size(); j++) {
            outcomes.set(again.get(j), answers.get(j));
        }
    }

    /**
     * Which valid ticks a newer tick of the same symbol (a higher sequence) in this partition's
     * batch supersedes: only the newest of each symbol is delivered.
     */
    static boolean[] superseded(List<Validation> validations) {
        Map<String, Integer> newest = new java.util.HashMap<>();
        for (int i = 0; i < validations.size(); i++) {
            if (validations.get(i) instanceof Valid v) {
                Integer kept = newest.get(v.tick().symbol());
                if (kept == null || ((Valid) validations.get(kept)).tick().sequence() < v.tick().sequence()) {
                    newest.put(v.tick().symbol(), i);
                }
            }
        }
        boolean[] superseded = new boolean[validations.size()];
        for (int i = 0; i < validations.size(); i++) {
            superseded[i] = validations.get(i) instanceof Valid v && newest.get(v.tick().symbol()) != i;
        }
        return superseded;
    }

    /**
     * Brings one tick to a final state in offset order: delivered, stale or parked (true), or
     * reported (false, the partition stops at it). A transient error is retried for this tick
     * alone until it resolves or the time runs out.
     */
    private boolean settle(Valid tick, Outcome first, Supplier<Duration> timeLeft, Progress progress) {
        Outcome outcome = first;
        int retries = 0;
        while (true) {
            if (outcome instanceof Outcome.Delivered) {
                progress.delivered();
                return true;
            }
            if (outcome instanceof Outcome.Stale) {
                progress.stale();
                return true;
            }
            if (outcome instanceof Outcome.Rejected r) {
                return park(List.of(new Poison(tick.record(), PoisonReason.REJECTED_BY_API, r.reason())),
                        timeLeft, progress);
            }
            if (outcome instanceof Outcome.RequestFailed f) {
                notDelivered(tick.record(), f.why());
                progress.stopAt(tick.record());
                return false;
            }
            if (outcome instanceof Outcome.Resend) {
                // Not reached from consumePartition (resend() answers it first); alone and at once.
                outcome = publisher.publish(List.of(tick.tick()), timeLeft).get(0);
                continue;
            }
            String why = ((Outcome.Retry) outcome).why();
            Duration delay = tickRetry.delay(++retries);
            if (delay.compareTo(timeLeft.get()) >= 0) {
                notDelivered(tick.record(), why + "; no time left to retry it");
                progress.stopAt(tick.record());
                return false;
            }
            try {
                tickRetry.sleeper().sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                progress.stopAt(tick.record());
                return false;
            }
            outcome = publisher.publish(List.of(tick.tick()), timeLeft).get(0);
        }
    }

    private static void notDelivered(KafkaRecord record, String why) {
        LOG.warn("tick not delivered", entry("topic", record.topic()), entry("partition", record.partition()),
                entry("offset", record.offset()), entry("cause", why));
    }

    /**
     * Parks poison records that the partition has reached (consecutive ones in one call); false,
     * and the partition stops at it, if one was not stored. SQS can store later messages of a
     * batch while refusing an earlier one; the failure queue sends the refused ones again within
     * the time left ({@link SqsFailureQueue}), so the later ones are not parked a second time when
     * Lambda redelivers from a reported record. Only a refusal that lasts past the invocation's
     * time still leaves them to be parked again.
     */
    private boolean park(List<Poison> poison, Supplier<Duration> timeLeft, Progress progress) {
        for (Poison p : poison) {
            // Never the detail: the failure queue message keeps it, with the value.
            LOG.warn("poison record", entry("reason", p.reason().name()), entry("topic", p.record().topic()),
                    entry("partition", p.record().partition()), entry("offset", p.record().offset()));
        }
        List<Poison> notParked = failureQueue.park(poison, timeLeft);
        for (Poison p : poison) {
            if (notParked.contains(p)) {
                progress.stopAt(p.record());
                return false;
            }
            progress.parked();
        }
        return true;
    }

    private static boolean expired(Supplier<Duration> timeLeft) {
        Duration left = timeLeft.get();
        return left.isNegative() || left.isZero();
    }

    /** Stops the partition threads (tests and the benchmark; Lambda just freezes the process). */
    @Override
    public void close() {
        partitions.shutdownNow();
    }

    /**
     * Where one partition got to, updated by its task as each record is settled (records are
     * settled strictly in offset order), so the invocation can report it even when the task is
     * still running at the deadline. Once read, later updates are ignored.
     */
    private static final class Progress {
        private final List<KafkaRecord> records;
        private int settled;
        private int delivered;
        private int stale;
        private int parked;
        private int conflated;
        private KafkaRecord stoppedAt;
        private boolean frozen;

        Progress(List<KafkaRecord> records) {
            this.records = records;
        }

        synchronized void delivered() {
            if (!frozen) {
                delivered++;
                settled++;
            }
        }

        synchronized void stale() {
            if (!frozen) {
                stale++;
                settled++;
            }
        }

        synchronized void parked() {
            if (!frozen) {
                parked++;
                settled++;
            }
        }

        synchronized void conflated() {
            if (!frozen) {
                conflated++;
                settled++;
            }
        }

        /** The partition stops here: this record is reported. */
        synchronized void stopAt(KafkaRecord record) {
            if (!frozen) {
                stoppedAt = record;
                frozen = true;
            }
        }

        synchronized Snapshot snapshot() {
            frozen = true;
            KafkaRecord first = stoppedAt != null ? stoppedAt : settled < records.size() ? records.get(settled) : null;
            return new Snapshot(delivered, stale, parked, conflated, first);
        }

        record Snapshot(int delivered, int stale, int parked, int conflated, KafkaRecord firstUnhandled) {
        }
    }
}
