package dev.refarch.realtime.consumer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.refarch.realtime.consumer.Validation.Poison;
import dev.refarch.realtime.consumer.Validation.Valid;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Decodes a record's value and checks it is a tick the {@code publishTick} resolver accepts,
 * with the same rules (symbol pattern, price positive, low not above high, a whole sequence from
 * 1 to 2^53 - 1, an optional whole previousSequence from 1 to below the sequence), so a bad record is parked here instead of costing an AppSync call. Details
 * never quote the value: they go to logs through {@link Poison#toString()} as well as to the
 * failure queue.
 */
public final class TickValidator {

    /** The resolver's rule, {@code graphql/resolvers/Mutation.publishTick.request.vtl}. */
    static final Pattern SYMBOL = Pattern.compile("^[A-Z][A-Z0-9.-]{0,9}$");

    private static final String[] NUMBERS = {"price", "open", "high", "low", "volume"};
    /** 2^53: sequences below it are exact in the schema's Float (a double); the resolver's rule. */
    static final long MAX_SEQUENCE = 1L << 53;

    private final int maxRecordBytes;
    private final ObjectMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** A validator rejecting values over {@code maxRecordBytes} decoded bytes. */
    public TickValidator(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    /** Validates one record. */
    public Validation validate(KafkaRecord record) {
        if (record.value() == null) {
            return new Poison(record, PoisonReason.EMPTY_VALUE, "record has no value");
        }
        // Base64 inflates by 4/3: reject a huge value before decoding it.
        if ((long) record.value().length() * 3 / 4 > maxRecordBytes + 2L) {
            return new Poison(record, PoisonReason.OVERSIZE,
                    "value is about " + record.value().length() * 3L / 4 + " bytes, limit " + maxRecordBytes);
        }
        byte[] value;
        try {
            value = Base64.getDecoder().decode(record.value());
        } catch (IllegalArgumentException e) {
            return new Poison(record, PoisonReason.EMPTY_VALUE, "value is not base64");
        }
        if (value.length > maxRecordBytes) {
            return new Poison(record, PoisonReason.OVERSIZE,
                    "value is " + value.length + " bytes, limit " + maxRecordBytes);
        }
        JsonNode tick;
        try (JsonParser parser = json.createParser(value)) {
            tick = json.readTree(parser);
            if (tick == null || !tick.isObject() || parser.nextToken() != null) {
                return new Poison(record, PoisonReason.NOT_JSON, "value is not one JSON object");
            }
        } catch (IOException e) {
            // Jackson's message quotes the offending token, i.e. part of the value.
            return new Poison(record, PoisonReason.NOT_JSON, "value is not JSON");
        }
        return check(record, tick);
    }

    private static Validation check(KafkaRecord record, JsonNode tick) {
        for (String field : new String[] {"symbol", "price", "open", "high", "low", "volume", "timestamp", "sequence"}) {
            if (!tick.hasNonNull(field)) {
                return new Poison(record, PoisonReason.MISSING_FIELD, field + " is missing");
            }
        }
        if (!tick.get("symbol").isTextual()) {
            return new Poison(record, PoisonReason.WRONG_TYPE, "symbol must be a string");
        }
        if (!tick.get("timestamp").isTextual()) {
            return new Poison(record, PoisonReason.WRONG_TYPE, "timestamp must be an ISO-8601 string");
        }
        double[] numbers = new double[NUMBERS.length];
        for (int i = 0; i < NUMBERS.length; i++) {
            JsonNode number = tick.get(NUMBERS[i]);
            if (!number.isNumber()) {
                return new Poison(record, PoisonReason.WRONG_TYPE, NUMBERS[i] + " must be a number");
            }
            numbers[i] = number.doubleValue();
            if (!Double.isFinite(numbers[i])) {
                return new Poison(record, PoisonReason.OUT_OF_RANGE, NUMBERS[i] + " is not finite");
            }
        }
        JsonNode sequenceNode = tick.get("sequence");
        if (!sequenceNode.isIntegralNumber()) {
            return new Poison(record, PoisonReason.WRONG_TYPE, "sequence must be a JSON integer");
        }
        if (!sequenceNode.canConvertToLong() || sequenceNode.longValue() < 1 || sequenceNode.longValue() >= MAX_SEQUENCE) {
            return new Poison(record, PoisonReason.OUT_OF_RANGE, "sequence must be from 1 to 2^53 - 1");
        }
        // Optional (records of older producers have none); when given, the resolver's rule.
        Long previousSequence = null;
        JsonNode previousNode = tick.get("previousSequence");
        if (previousNode != null && !previousNode.isNull()) {
            if (!previousNode.isIntegralNumber()) {
                return new Poison(record, PoisonReason.WRONG_TYPE, "previousSequence must be a JSON integer or null");
            }
            if (!previousNode.canConvertToLong() || previousNode.longValue() < 1
                    || previousNode.longValue() >= sequenceNode.longValue()) {
                return new Poison(record, PoisonReason.OUT_OF_RANGE, "previousSequence must be from 1 to below sequence");
            }
            previousSequence = previousNode.longValue();
        }
        String symbol = tick.get("symbol").asText();
        if (!SYMBOL.matcher(symbol).matches()) {
            return new Poison(record, PoisonReason.BAD_SYMBOL, "symbol does not match " + SYMBOL.pattern());
        }
        double price = numbers[0];
        double open = numbers[1];
        double high = numbers[2];
        double low = numbers[3];
        double volume = numbers[4];
        if (price <= 0 || open <= 0 || high <= 0 || low <= 0) {
            return new Poison(record, PoisonReason.OUT_OF_RANGE, "price, open, high and low must be positive");
        }
        if (low > high) {
            return new Poison(record, PoisonReason.OUT_OF_RANGE, "low is above high");
        }
        if (volume < 0) {
            return new Poison(record, PoisonReason.OUT_OF_RANGE, "volume is negative");
        }
        String timestamp = tick.get("timestamp").asText();
        try {
            OffsetDateTime.parse(timestamp, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            return new Poison(record, PoisonReason.BAD_TIMESTAMP, "timestamp is not an ISO-8601 date-time with offset");
        }
        return new Valid(record, new TickInput(symbol, price, open, high, low, volume, timestamp, sequenceNode.longValue(),
                previousSequence));
    }
}
