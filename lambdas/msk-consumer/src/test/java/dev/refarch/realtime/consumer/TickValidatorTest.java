package dev.refarch.realtime.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.refarch.realtime.consumer.Validation.Poison;
import dev.refarch.realtime.consumer.Validation.Valid;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TickValidatorTest {

    private final TickValidator validator = new TickValidator(256);

    private Validation validate(String value) {
        return validator.validate(new KafkaRecord("ticks", 0, 1, 0, "CREATE_TIME", null,
                value == null ? null : Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)),
                List.of()));
    }

    private PoisonReason reason(String value) {
        return assertInstanceOf(Poison.class, validate(value)).reason();
    }

    @Test
    void aWellFormedTickMapsToTickInput() {
        Valid valid = assertInstanceOf(Valid.class, validate(MskEventBuilder.tick("BRK.B", 3)));
        assertEquals(new TickInput("BRK.B", 103.5, 100.0, 203.0, 99.0, 3, "2026-01-05T14:30:00Z", 4), valid.tick());
    }

    @Test
    void aPreviousSequenceIsCarriedAndATickWithoutOneOrWithNullHasNone() {
        Valid with = assertInstanceOf(Valid.class, validate(MskEventBuilder.tick("AMZN", 3, 3)));
        assertEquals(Long.valueOf(3), with.tick().previousSequence());
        assertEquals(4, with.tick().sequence());
        // An older producer's record (no field) and a producer that does not know it (null).
        String without = MskEventBuilder.tick("AMZN", 3);
        assertEquals(null, assertInstanceOf(Valid.class, validate(without)).tick().previousSequence());
        String nullPrevious = without.replace("}", ",\"previousSequence\":null}");
        assertEquals(null, assertInstanceOf(Valid.class, validate(nullPrevious)).tick().previousSequence());
    }

    /** The resolver's rule (InvalidTick): a whole number from 1 to below the tick's own sequence. */
    @Test
    void aPreviousSequenceThatIsNotAWholeNumberFromOneToBelowTheSequenceIsPoison() {
        String good = MskEventBuilder.tick("AMZN", 3);
        for (String bad : List.of("0", "-1", "4", "5", "9007199254740993")) {
            assertEquals(PoisonReason.OUT_OF_RANGE, reason(good.replace("}", ",\"previousSequence\":" + bad + "}")), bad);
        }
        for (String bad : List.of("1.5", "\"3\"", "true")) {
            assertEquals(PoisonReason.WRONG_TYPE, reason(good.replace("}", ",\"previousSequence\":" + bad + "}")), bad);
        }
    }

    @Test
    void everyKindOfBadValueHasItsReason() {
        String good = MskEventBuilder.tick("AMZN", 3);
        assertEquals(PoisonReason.EMPTY_VALUE, reason(null));
        assertEquals(PoisonReason.NOT_JSON, reason("{\"symbol\":"));
        assertEquals(PoisonReason.NOT_JSON, reason("\"AMZN\""));
        assertEquals(PoisonReason.NOT_JSON, reason(good + good));
        assertEquals(PoisonReason.NOT_JSON, reason(good.replace("}", ",\"price\":1}")), "duplicate key");
        assertEquals(PoisonReason.OVERSIZE, reason(good.replace("}", ",\"pad\":\"" + "x".repeat(200) + "\"}")));
        assertEquals(PoisonReason.MISSING_FIELD, reason(good.replace("\"volume\":3,", "")));
        assertEquals(PoisonReason.MISSING_FIELD, reason(good.replace("\"volume\":3", "\"volume\":null")));
        assertEquals(PoisonReason.WRONG_TYPE, reason(good.replace("\"volume\":3", "\"volume\":\"3\"")));
        assertEquals(PoisonReason.WRONG_TYPE, reason(good.replace("\"AMZN\"", "42")));
        assertEquals(PoisonReason.WRONG_TYPE, reason(good.replace("\"2026-01-05T14:30:00Z\"", "1767623400")));
        assertEquals(PoisonReason.BAD_SYMBOL, reason(MskEventBuilder.tick("amzn", 3)));
        assertEquals(PoisonReason.BAD_SYMBOL, reason(MskEventBuilder.tick("ABCDEFGHIJK", 3)));
        assertEquals(PoisonReason.BAD_SYMBOL, reason(MskEventBuilder.tick("1AB", 3)));
        assertEquals(PoisonReason.OUT_OF_RANGE, reason(good.replace("\"price\":103.5", "\"price\":-1")));
        assertEquals(PoisonReason.OUT_OF_RANGE, reason(good.replace("\"low\":99.0", "\"low\":203.5")));
        assertEquals(PoisonReason.OUT_OF_RANGE, reason(good.replace("\"volume\":3", "\"volume\":-3")));
        assertEquals(PoisonReason.BAD_TIMESTAMP, reason(good.replace("2026-01-05T14:30:00Z", "yesterday")));
        assertEquals(PoisonReason.BAD_TIMESTAMP, reason(good.replace("2026-01-05T14:30:00Z", "2026-01-05T14:30:00")));
    }

    @Test
    void noDetailQuotesTheValue() {
        String good = MskEventBuilder.tick("AMZN", 3);
        for (String bad : List.of("{\"symbol\":\"SECRETX", MskEventBuilder.tick("secretx", 3),
                good.replace("2026-01-05T14:30:00Z", "secretx"), good.replace("\"low\":99.0", "\"low\":777.25"),
                good.replace("\"volume\":3", "\"volume\":-777.25"), "secretx")) {
            String detail = assertInstanceOf(Poison.class, validate(bad)).toString();
            for (String fragment : List.of("SECRETX", "secretx", "777.25")) {
                org.junit.jupiter.api.Assertions.assertFalse(detail.contains(fragment), detail);
            }
        }
    }
}
