package dev.refarch.realtime.consumer;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refarch.realtime.appsync.AppSyncClient;
import dev.refarch.realtime.appsync.AppSyncClientConfig;
import dev.refarch.realtime.consumer.TickPublisher.Outcome;
import dev.refarch.realtime.consumer.Validation.Poison;
import dev.refarch.realtime.consumer.Validation.Valid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * in parallel), every poison record parked in the failure queue, and for each partition that
 * could not be finished, the first record not handled reported back so Lambda retries from it.
 *
 * <p>A record is acknowledged (not reported) only when it was delivered to AppSync or stored in
 * the failure queue. Within a partition nothing after the first undelivered tick is published,
 * so a retry cannot reorder a symbol's ticks.
 */
public final class TickConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TickConsumer.class);

    private final TickValidator validator;
    private final TickPublisher publisher;
    private final FailureQueue failureQueue;
    private final ExecutorService partitions;
    private final ConsumerMetrics metrics;

    /**
     * A consumer running partitions on a fixed pool of {@code partitionThreads} daemon threads,
     * created here once and reused by every invocation; its counters go to the Powertools metrics.
     */
    public TickConsumer(TickValidator validator, TickPublisher publisher, FailureQueue failureQueue,
            int partitionThreads) {
        this.metrics = ConsumerMetrics.fromEnv();
        this.validator = validator;
        this.publisher = publisher;
        this.failureQueue = failureQueue;
        AtomicInteger count = new AtomicInteger();
        this.partitions = Executors.newFixedThreadPool(partitionThreads, task -> {
            Thread thread = new Thread(task, "partition-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The production wiring: the shared AppSync client (IAM) and an SQS failure queue, both signed
     * with {@code credentials} (Lambda: the default chain, i.e. the function's role).
     */
    public static TickConsumer fromConfig(ConsumerConfig config, AwsCredentialsProvider credentials) {
        ObjectMapper json = new ObjectMapper();
        AppSyncClient appSync = AppSyncClient.builder(AppSyncClientConfig.defaults(config.graphqlUrl(), config.region())
                        .withBatchLimits(config.maxTicksPerRequest(), 256 * 1024))
                .credentialsProvider(credentials)
                .build();
        SqsClientBuilder sqs = SqsClient.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(3)))
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofSeconds(3))
                        .apiCallTimeout(Duration.ofSeconds(10)));
        if (config.sqsEndpoint() != null) {
            sqs.endpointOverride(config.sqsEndpoint());
        }
        return new TickConsumer(new TickValidator(config.maxRecordBytes()),
                new TickPublisher(appSync, config.maxTicksPerRequest()),
                new SqsFailureQueue(sqs.build(), config.failureQueueUrl(), json),
                config.partitionThreads());
    }

    /** Consumes one batch; {@code timeLeft} bounds AppSync retries (the invocation's remaining time minus a margin). */
    public BatchResponse consume(MskEvent event, Supplier<Duration> timeLeft) {
        Map<String, Future<PartitionResult>> running = new LinkedHashMap<>();
        // The invocation's log fields (request id, function...) on the partition threads' lines too.
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        event.records().forEach((key, records) -> {
            if (!records.isEmpty()) {
                running.put(key, partitions.submit(() -> {
                    MDC.setContextMap(logContext == null ? Map.of() : logContext);
                    try {
                        return consumePartition(records, timeLeft);
                    } finally {
                        MDC.clear();
                    }
                }));
            }
        });
        List<KafkaRecord> failed = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>(Map.of("RecordsDelivered", 0, "PoisonRecords", 0,
                "PartitionsFailed", 0));
        for (Map.Entry<String, Future<PartitionResult>> partition : running.entrySet()) {
            PartitionResult result = await(partition.getValue(), event.records().get(partition.getKey()));
            counts.merge("RecordsDelivered", result.delivered(), Integer::sum);
            counts.merge("PoisonRecords", result.parked(), Integer::sum);
            result.firstUnhandled().ifPresent(record -> {
                failed.add(record);
                counts.merge("PartitionsFailed", 1, Integer::sum);
            });
        }
        metrics.flush(counts);
        if (!failed.isEmpty()) {
            LOG.warn("partitions to retry", entry("from", failed.stream().map(KafkaRecord::toString).toList()));
        }
        return BatchResponse.failures(failed);
    }

    private static PartitionResult await(Future<PartitionResult> future, List<KafkaRecord> records) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            // A bug, not a bad record: retry the whole partition rather than lose it.
            LOG.warn("partition failed unexpectedly", entry("partition", records.get(0).partitionKey()),
                    entry("cause", String.valueOf(e.getCause())));
            return new PartitionResult(0, 0, Optional.of(records.get(0)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PartitionResult(0, 0, Optional.of(records.get(0)));
        }
    }

    /** What happened in one partition; {@code firstUnhandled} is what Lambda must retry from. */
    private record PartitionResult(int delivered, int parked, Optional<KafkaRecord> firstUnhandled) {
    }

    private PartitionResult consumePartition(List<KafkaRecord> records, Supplier<Duration> timeLeft) {
        List<Valid> valid = new ArrayList<>();
        List<Poison> poison = new ArrayList<>();
        for (KafkaRecord record : records) {
            Validation validation = validator.validate(record);
            if (validation instanceof Valid v) {
                valid.add(v);
            } else {
                poison.add((Poison) validation);
            }
        }
        // Park first: the offset of a record the queue refused bounds what may be published after it.
        long stop = Long.MAX_VALUE;
        KafkaRecord stopRecord = null;
        List<Poison> notParked = park(poison);
        int parked = poison.size() - notParked.size();
        for (Poison p : notParked) {
            if (p.record().offset() < stop) {
                stop = p.record().offset();
                stopRecord = p.record();
            }
        }
        int delivered = 0;
        int next = 0;
        while (next < valid.size() && valid.get(next).record().offset() < stop) {
            int end = next;
            while (end < valid.size() && end - next < publisher.maxTicksPerRequest()
                    && valid.get(end).record().offset() < stop) {
                end++;
            }
            List<Valid> chunk = valid.subList(next, end);
            List<Outcome> outcomes = publisher.publish(chunk.stream().map(Valid::tick).toList(), timeLeft);
            List<Poison> rejected = new ArrayList<>();
            KafkaRecord undelivered = null;
            for (int i = 0; i < chunk.size(); i++) {
                Outcome outcome = outcomes.get(i);
                if (outcome instanceof Outcome.Delivered) {
                    delivered++;
                } else if (outcome instanceof Outcome.Rejected r) {
                    rejected.add(new Poison(chunk.get(i).record(), PoisonReason.REJECTED_BY_API, r.errors()));
                } else if (outcome instanceof Outcome.Undelivered u) {
                    undelivered = chunk.get(i).record();
                    LOG.warn("tick not delivered", entry("record", undelivered.toString()), entry("cause", u.why()));
                    break;
                }
            }
            List<Poison> rejectedNotParked = park(rejected);
            parked += rejected.size() - rejectedNotParked.size();
            for (Poison p : rejectedNotParked) {
                if (p.record().offset() < stop) {
                    stop = p.record().offset();
                    stopRecord = p.record();
                }
            }
            if (undelivered != null && undelivered.offset() < stop) {
                stop = undelivered.offset();
                stopRecord = undelivered;
            }
            if (stopRecord != null) {
                break;
            }
            next = end;
        }
        return new PartitionResult(delivered, parked, Optional.ofNullable(stopRecord));
    }

    private List<Poison> park(List<Poison> poison) {
        if (poison.isEmpty()) {
            return List.of();
        }
        for (Poison p : poison) {
            // Never the detail: it may quote part of the value (the failure queue message keeps it).
            LOG.warn("poison record", entry("reason", p.reason().name()), entry("topic", p.record().topic()),
                    entry("partition", p.record().partition()), entry("offset", p.record().offset()));
        }
        return failureQueue.park(poison);
    }

    /** Stops the partition threads (tests and the benchmark; Lambda just freezes the process). */
    @Override
    public void close() {
        partitions.shutdownNow();
    }
}
