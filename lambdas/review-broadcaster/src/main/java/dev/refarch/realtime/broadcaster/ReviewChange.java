package dev.refarch.realtime.broadcaster;

/**
 * One record of the Reviews table's stream that carries a row's new image.
 *
 * @param sequenceNumber the record's stream sequence number: the partial batch response's identifier
 * @param row            the row as written
 */
public record ReviewChange(String sequenceNumber, ReviewState row) {
}
