package dev.refarch.realtime.rotator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Tests of whole rotations on one {@link LocalRotator} per class, reset before each test to the
 * seeded rows, an empty Movies table and a TMDb key in the secret. A subclass's own
 * {@code @BeforeEach} runs after this reset.
 */
abstract class AgainstLocalRotator {

    static LocalRotator local;

    @BeforeAll
    static void startLocalRotator() {
        local = new LocalRotator();
    }

    @AfterAll
    static void stopLocalRotator() {
        if (local != null) {
            local.close();
        }
    }

    @BeforeEach
    void resetLocalRotator() {
        local.reset();
        local.stubs.secretIs(TmdbStub.secretWithKey(LocalRotator.SECRET_KEY));
    }
}
