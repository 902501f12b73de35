package dev.refarch.realtime.consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The SnapStart priming runs the batch path without a network: its tick must pass the real
 * validator, or priming would stop short of the publish path (and the snapshot would fail).
 */
class PrimingTest {

    private static Priming priming(int maxRecordBytes) {
        ObjectMapper json = new ObjectMapper();
        return new Priming(json, new MskEventParser(json), new TickValidator(maxRecordBytes));
    }

    @Test
    void primesThroughParsingValidationAndTheRequestBody() {
        assertDoesNotThrow(() -> priming(ConsumerConfig.DEFAULT_MAX_RECORD_BYTES).beforeCheckpoint(null));
    }

    @Test
    void aPrimingTickTheValidatorRefusesStopsTheSnapshot() {
        assertThrows(IllegalStateException.class, () -> priming(64).beforeCheckpoint(null));
    }
}
