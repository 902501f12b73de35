package dev.refarch.realtime.consumer;

/** Why a record can never be published; the code goes to the failure queue and the metric. */
public enum PoisonReason {
    /** The record has no value (a tombstone) or its value is not base64. */
    EMPTY_VALUE,
    /** The decoded value is larger than {@code MAX_RECORD_BYTES}. */
    OVERSIZE,
    /** The value is not a JSON object. */
    NOT_JSON,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type. */
    WRONG_TYPE,
    /** A number is out of range: price or another quote not positive, low above high, volume negative. */
    OUT_OF_RANGE,
    /** The symbol does not match {@code ^[A-Z][A-Z0-9.-]{0,9}$}. */
    BAD_SYMBOL,
    /** The timestamp is not an ISO-8601 date-time with an offset. */
    BAD_TIMESTAMP,
    /** AppSync's resolver rejected the tick (a per-field {@code InvalidTick} error). */
    REJECTED_BY_API
}
