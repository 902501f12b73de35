package dev.refarch.realtime.broadcaster;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one batch, as Lambda's partial batch response for a stream source
 * ({@code ReportBatchItemFailures}): {@code {"batchItemFailures":[{"itemIdentifier":"<SequenceNumber>"}]}}.
 * At most one identifier, the earliest record not broadcast: the mapping checkpoints before it
 * and retries from it, so every later record comes again too.
 *
 * @param batchItemFailures the identifier to retry from, or none
 */
public record BroadcastResult(List<Map<String, String>> batchItemFailures) {

    /** Every record broadcast (or nothing to broadcast). */
    public static BroadcastResult success() {
        return new BroadcastResult(List.of());
    }

    /** Retry from the record with this sequence number. */
    public static BroadcastResult retryFrom(String sequenceNumber) {
        return new BroadcastResult(List.of(Map.of("itemIdentifier", sequenceNumber)));
    }
}
