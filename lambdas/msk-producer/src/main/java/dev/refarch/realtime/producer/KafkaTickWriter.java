package dev.refarch.realtime.producer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rounds of ticks, one per symbol, at a fixed interval, to one Kafka topic keyed by symbol
 * (so a symbol's ticks share a partition and stay in order), each with its per-symbol
 * sequence. Rounds are anchored to the run's schedule slot: round {@code k} is due at
 * {@code slotStart + k * interval} and its ticks carry that time as their sequence, so two runs
 * of one slot (a duplicated or retried schedule event) emit the same sequences and the
 * {@code publishTick} resolver delivers one tick per symbol and round. Each record also carries the
 * symbol's previous sequence in this environment (none for its first here), so a subscriber can tell
 * it missed a tick; a tick whose write failed still counts as previous: it was missed. Sleeps between rounds,
 * never between records; flushes before returning; the first failed send fails the run.
 */
public final class KafkaTickWriter {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTickWriter.class);

    private final Producer<String, String> producer;
    private final QuoteSource quotes;
    private final String topic;
    private final List<String> symbols;
    private final Duration interval;
    private final TickSequences sequences;
    private final Clock clock;

    KafkaTickWriter(Producer<String, String> producer, QuoteSource quotes, String topic,
                    List<String> symbols, Duration interval, TickSequences sequences, Clock clock) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        this.producer = producer;
        this.quotes = quotes;
        this.topic = topic;
        this.symbols = List.copyOf(symbols);
        this.interval = interval;
        this.sequences = sequences;
        this.clock = clock;
    }

    /**
     * Emits the rounds of the slot starting at {@code slotStart} that are due before {@code end}:
     * the round in progress at once (a run that starts late joins its slot, it does not catch up
     * the rounds it missed), then each at its time; then waits for every record to be
     * acknowledged. A run that starts at or after {@code end} emits nothing.
     *
     * @throws TickPublishException if any record was not acknowledged, or the quote source
     *     rejected our key, or every quote failed
     */
    public PublishSummary publish(Instant slotStart, Instant end) {
        long intervalMillis = interval.toMillis();
        long sinceStart = clock.millis() - slotStart.toEpochMilli();
        long firstRound = Math.max(0, sinceStart / intervalMillis);
        Map<String, AtomicInteger> acked = new ConcurrentHashMap<>();
        symbols.forEach(s -> acked.put(s, new AtomicInteger()));
        AtomicReference<Exception> failure = new AtomicReference<>();
        int quoteFailures = 0;
        int rounds = 0;
        try {
            for (long round = firstRound; ; round++) {
                Instant due = slotStart.plusMillis(round * intervalMillis);
                if (!due.isBefore(end)) {
                    break;
                }
                sleepUntil(due);
                rounds++;
                for (String symbol : symbols) {
                    throwIfFailed(failure, acked);
                    Tick tick;
                    try {
                        tick = quotes.next(symbol);
                    } catch (QuoteSourceException e) {
                        if (!e.retryable()) {
                            throw new TickPublishException(e.getMessage(), e);
                        }
                        quoteFailures++;
                        LOG.warn("Skipped a tick: {}", e.getMessage());
                        continue;
                    }
                    TickSequences.Assigned assigned = sequences.assign(symbol, due);
                    String value = tick.toJson(assigned.sequence(), assigned.previous());
                    producer.send(new ProducerRecord<>(topic, symbol, value), (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else {
                            acked.get(symbol).incrementAndGet();
                        }
                    });
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            // send() throws for what it cannot even queue (e.g. a closed producer).
            failure.compareAndSet(null, e);
        } finally {
            producer.flush();
        }
        throwIfFailed(failure, acked);
        PublishSummary summary = new PublishSummary(rounds, counts(acked), quoteFailures);
        if (summary.ticksSent() == 0 && quoteFailures > 0) {
            throw new TickPublishException("No tick published: all " + quoteFailures + " quotes failed", null);
        }
        return summary;
    }

    /**
     * Writes one tick with the given sequence, keyed by its symbol, and waits for the cluster's
     * acknowledgement (bounded by the producer's {@code delivery.timeout.ms}).
     *
     * @throws TickPublishException if it was not acknowledged
     */
    public RecordMetadata writeOne(Tick tick, long sequence) {
        try {
            Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic, tick.symbol(), tick.toJson(sequence)));
            producer.flush();
            return sent.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new TickPublishException("Publishing a tick of " + tick.symbol() + " to topic '" + topic + "' failed: "
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new TickPublishException("Publishing a tick of " + tick.symbol() + " to topic '" + topic + "' failed: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TickPublishException("Interrupted while publishing a tick", e);
        }
    }

    private void throwIfFailed(AtomicReference<Exception> failure, Map<String, AtomicInteger> acked) {
        Exception e = failure.get();
        if (e != null) {
            int sent = counts(acked).values().stream().mapToInt(Integer::intValue).sum();
            throw new TickPublishException("Publishing ticks to topic '" + topic + "' failed after " + sent
                    + " acknowledged: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e, counts(acked));
        }
    }

    private Map<String, Integer> counts(Map<String, AtomicInteger> acked) {
        Map<String, Integer> out = new LinkedHashMap<>();
        symbols.forEach(s -> out.put(s, acked.get(s).get()));
        return out;
    }

    private void sleepUntil(Instant due) {
        long wait = due.toEpochMilli() - clock.millis();
        if (wait <= 0) {
            return;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TickPublishException("Interrupted between rounds", e);
        }
    }
}
