package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.totp.TotpCode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** A store or key-service outage propagates and leaves the stored state as it was (contract: 503, no state change). */
class DependencyFailureTest {

    private final Fixture f = new Fixture();

    private static DependencyUnavailableException outage() {
        return new DependencyUnavailableException(DependencyUnavailableException.Dependency.STORE, "injected outage", null);
    }

    private void assertOutagePropagates(DependencyUnavailableException outage, Executable request) {
        DependencyUnavailableException thrown = assertThrows(DependencyUnavailableException.class, request);
        assertSame(outage, thrown);
    }

    // ---- setup ----

    @Test
    void keyServiceOutageOnSetupWritesNothing() {
        DependencyUnavailableException outage = outage();
        f.cipher.failNextEncrypt(outage);

        assertOutagePropagates(outage, () -> f.setup(ALICE));

        assertTrue(f.maybeStored(ALICE).isEmpty());
        assertEquals(0, f.store.committedWrites());
    }

    @Test
    void storeOutageOnSetupLeavesNoPendingSetup() {
        DependencyUnavailableException outage = outage();
        f.store.failNextWrite(outage);

        assertOutagePropagates(outage, () -> f.setup(ALICE));

        assertEquals(EnrollmentStatus.NONE, f.getStatus.status(ALICE).status());
    }

    @Test
    void storeOutageOnRestartedSetupKeepsThePreviousSecret() {
        String secret = f.setup(ALICE).secret();
        Enrollment before = f.stored(ALICE);
        DependencyUnavailableException outage = outage();
        f.store.failNextWrite(outage);

        assertOutagePropagates(outage, () -> f.setup(ALICE));

        assertEquals(before, f.stored(ALICE));
        assertDoesNotThrow(() -> f.confirmSetup.confirm(ORIGIN, ALICE, f.currentCode(secret)));
    }

    // ---- reads ----

    @Test
    void storeReadOutagePropagatesFromEveryUseCase() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);
        TotpCode code = f.currentCode(enabled.secret());
        List<Executable> requests = List.of(
                () -> f.getStatus.status(ALICE),
                () -> f.confirmSetup.confirm(ORIGIN, ALICE, code),
                () -> f.verify(ALICE, code),
                () -> f.recoverAccess.recover(ORIGIN, ALICE, enabled.recoveryCode()),
                () -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, code),
                () -> f.remove(ALICE, code));
        for (Executable request : requests) {
            DependencyUnavailableException outage = outage();
            f.store.failNextRead(outage);
            assertOutagePropagates(outage, request);
        }

        assertEquals(before, f.stored(ALICE));
    }

    // ---- confirm ----

    @Test
    void keyServiceOutageOnConfirmLeavesTheSetupPendingAndUncounted() {
        String secret = f.setup(ALICE).secret();
        Enrollment before = f.stored(ALICE);
        DependencyUnavailableException outage = outage();
        f.cipher.failNextDecrypt(outage);

        assertOutagePropagates(outage, () -> f.confirmSetup.confirm(ORIGIN, ALICE, f.currentCode(secret)));

        assertEquals(before, f.stored(ALICE));
        assertDoesNotThrow(() -> f.confirmSetup.confirm(ORIGIN, ALICE, f.currentCode(secret)));
    }

    @Test
    void storeOutageOnConfirmLeavesTheSetupPending() {
        String secret = f.setup(ALICE).secret();
        Enrollment before = f.stored(ALICE);
        DependencyUnavailableException outage = outage();
        f.store.failNextWrite(outage);

        assertOutagePropagates(outage, () -> f.confirmSetup.confirm(ORIGIN, ALICE, f.currentCode(secret)));

        assertEquals(before, f.stored(ALICE));
        assertDoesNotThrow(() -> f.confirmSetup.confirm(ORIGIN, ALICE, f.currentCode(secret)), "the code was not consumed");
    }

    // ---- verify ----

    @Test
    void keyServiceOutageOnVerifyChangesNothingAndIsNotCounted() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);
        DependencyUnavailableException outage = outage();
        f.cipher.failNextDecrypt(outage);

        assertOutagePropagates(outage, () -> f.verify(ALICE, f.wrongCode(enabled.secret())));

        assertEquals(before, f.stored(ALICE));
    }

    @Test
    void storeOutageOnVerifyDoesNotConsumeTheCode() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);
        TotpCode code = f.currentCode(enabled.secret());
        DependencyUnavailableException outage = outage();
        f.store.failNextWrite(outage);

        assertOutagePropagates(outage, () -> f.verify(ALICE, code));

        assertEquals(before, f.stored(ALICE));
        assertDoesNotThrow(() -> f.verify(ALICE, code));
    }

    @Test
    void storeOutageWhileCountingAFailurePropagatesAndLeavesTheCount() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);
        DependencyUnavailableException outage = outage();
        f.store.failNextWrite(outage);

        assertOutagePropagates(outage, () -> f.verify(ALICE, f.wrongCode(enabled.secret())));

        assertEquals(before, f.stored(ALICE));
    }

    // ---- recover ----

    @Test
    void storeOutageOnRecoverKeepsTheRecoveryCode() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);
        DependencyUnavailableException outage = outage();
        f.store.failNextWrite(outage);

        assertOutagePropagates(outage, () -> f.recoverAccess.recover(ORIGIN, ALICE, enabled.recoveryCode()));

        assertEquals(before, f.stored(ALICE));
        assertDoesNotThrow(() -> f.recoverAccess.recover(ORIGIN, ALICE, enabled.recoveryCode()));
    }

    @Test
    void recoverNeedsNoKeyService() {
        Fixture.Enabled enabled = f.enable(ALICE);
        int decrypts = f.cipher.decryptCalls();

        f.recoverAccess.recover(ORIGIN, ALICE, enabled.recoveryCode());

        assertEquals(decrypts, f.cipher.decryptCalls());
    }

    // ---- regenerate ----

    @Test
    void keyServiceOutageOnRegenerateKeepsTheOldCodes() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);
        DependencyUnavailableException outage = outage();
        f.cipher.failNextDecrypt(outage);

        assertOutagePropagates(outage,
                () -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.currentCode(enabled.secret())));

        assertEquals(before, f.stored(ALICE));
    }

    @Test
    void storeOutageOnRegenerateKeepsTheOldCodes() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);
        DependencyUnavailableException outage = outage();
        f.store.failNextWrite(outage);

        assertOutagePropagates(outage,
                () -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.currentCode(enabled.secret())));

        assertEquals(before, f.stored(ALICE));
        assertDoesNotThrow(() -> f.recoverAccess.recover(ORIGIN, ALICE, enabled.recoveryCode()));
    }

    // ---- remove ----

    @Test
    void keyServiceOutageOnRemoveKeepsMfaEnabled() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);
        DependencyUnavailableException outage = outage();
        f.cipher.failNextDecrypt(outage);

        assertOutagePropagates(outage, () -> f.remove(ALICE, f.currentCode(enabled.secret())));

        assertEquals(before, f.stored(ALICE));
    }

    @Test
    void storeOutageOnRemoveKeepsMfaEnabled() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);
        DependencyUnavailableException outage = outage();
        f.store.failNextWrite(outage);

        assertOutagePropagates(outage, () -> f.remove(ALICE, enabled.recoveryCode()));

        assertEquals(before, f.stored(ALICE));
        assertEquals(EnrollmentStatus.ENABLED, f.getStatus.status(ALICE).status());
    }

    @Test
    void storeOutageOnCancellingAPendingSetupKeepsIt() {
        f.setup(ALICE);
        Enrollment before = f.stored(ALICE);
        DependencyUnavailableException outage = outage();
        f.store.failNextWrite(outage);

        assertOutagePropagates(outage, () -> f.removeMfa.remove(ORIGIN, ALICE, Optional.empty()));

        assertEquals(before, f.stored(ALICE));
    }

    @Test
    void anOutageIsNotRetriedAsAConflict() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.store.failNextWrites(2, outage());
        RecoveryCode code = enabled.recoveryCode();

        assertThrows(DependencyUnavailableException.class, () -> f.recoverAccess.recover(ORIGIN, ALICE, code));

        // Only one of the two injected failures was consumed: no silent retry of an outage.
        assertThrows(DependencyUnavailableException.class, () -> f.recoverAccess.recover(ORIGIN, ALICE, code));
        assertDoesNotThrow(() -> f.recoverAccess.recover(ORIGIN, ALICE, code));
    }
}
