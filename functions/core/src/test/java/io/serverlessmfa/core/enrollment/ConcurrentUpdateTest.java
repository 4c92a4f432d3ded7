package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static io.serverlessmfa.core.enrollment.Fixture.rejection;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.totp.TotpCode;
import java.util.OptionalLong;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Conditional writes that lose are re-decided on fresh state. Injected conflicts simulate a lost
 * race; {@code beforeNextWrite} runs a real competing request between the read and the write.
 */
class ConcurrentUpdateTest {

    private final Fixture f = new Fixture();

    private static ConcurrentUpdateException conflict() {
        return new ConcurrentUpdateException("injected");
    }

    @Test
    void aConflictOnVerifyIsRetriedTransparently() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);
        TotpCode code = f.currentCode(enabled.secret());
        f.store.failNextWrite(conflict());

        assertDoesNotThrow(() -> f.verify(ALICE, code));

        Enrollment after = f.stored(ALICE);
        assertEquals(OptionalLong.of(f.currentStep()), after.authenticator().lastAcceptedStep());
        assertEquals(before.version() + 1, after.version(), "exactly one write committed");
        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, code)));
    }

    @Test
    void aConflictOnConfirmIsRetriedAndTheReturnedCodesAreTheStoredOnes() {
        String secret = f.setup(ALICE).secret();
        f.store.failNextWrite(conflict());

        List<RecoveryCode> codes = f.confirm(ALICE, f.currentCode(secret)).recoveryCodes();

        Enrollment.Enabled stored = f.storedEnabled(ALICE);
        assertEquals(2, stored.version());
        assertTrue(f.hasher.matches(ALICE, codes.get(0), stored.recoveryCodes().get(0)));
        assertDoesNotThrow(() -> f.recover(ALICE, codes.get(0)));
    }

    @Test
    void aConflictOnRecoverIsRetriedAndTheReturnedCodeIsTheStoredOne() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.store.failNextWrite(conflict());

        RecoveryCode replacement = f.recover(ALICE, enabled.recoveryCode()).replacement();

        assertTrue(f.hasher.matches(ALICE, replacement, f.storedEnabled(ALICE).recoveryCodes().get(0)));
        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.recover(ALICE, enabled.recoveryCode())));
        assertDoesNotThrow(() -> f.recover(ALICE, replacement));
    }

    @Test
    void aConflictOnRegenerateIsRetriedAndTheReturnedCodesAreTheStoredOnes() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.store.failNextWrite(conflict());

        List<RecoveryCode> fresh = f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.currentCode(enabled.secret()));

        assertTrue(f.hasher.matches(ALICE, fresh.get(0), f.storedEnabled(ALICE).recoveryCodes().get(0)));
        assertEquals(OptionalLong.of(f.currentStep()), f.stored(ALICE).authenticator().lastAcceptedStep());
    }

    @Test
    void aConflictOnRemoveIsRetriedTransparently() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.store.failNextWrite(conflict());

        assertDoesNotThrow(() -> f.remove(ALICE, enabled.recoveryCode()));

        assertTrue(f.maybeStored(ALICE).isEmpty());
    }

    @Test
    void aConflictOnCancellingAPendingSetupIsRetriedTransparently() {
        f.setup(ALICE);
        f.store.failNextWrite(conflict());

        assertDoesNotThrow(() -> f.removeMfa.remove(ORIGIN, ALICE, Optional.empty()));

        assertTrue(f.maybeStored(ALICE).isEmpty());
    }

    @Test
    void aConflictWhileCountingAFailureCountsItOnce() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.store.failNextWrite(conflict());

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));

        assertEquals(1, f.stored(ALICE).lockout().failedAttempts());
    }

    @Test
    void twoConcurrentVerificationsOfTheSameCodeCannotBothSucceed() {
        Fixture.Enabled enabled = f.enable(ALICE);
        TotpCode code = f.currentCode(enabled.secret());
        f.store.beforeNextWrite(() -> f.verify(ALICE, code));

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, code)),
                "the request that lost the race sees the code as used");

        assertEquals(OptionalLong.of(f.currentStep()), f.stored(ALICE).authenticator().lastAcceptedStep());
        assertEquals(1, f.stored(ALICE).lockout().failedAttempts());
    }

    @Test
    void twoConcurrentRecoveriesWithTheSameCodeCannotBothSucceed() {
        Fixture.Enabled enabled = f.enable(ALICE);
        AtomicReference<RecoveryCode> winner = new AtomicReference<>();
        f.store.beforeNextWrite(() -> winner.set(f.recover(ALICE, enabled.recoveryCode()).replacement()));

        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.recover(ALICE, enabled.recoveryCode())));

        assertTrue(f.hasher.matches(ALICE, winner.get(), f.storedEnabled(ALICE).recoveryCodes().get(0)));
        assertDoesNotThrow(() -> f.recover(ALICE, winner.get()));
    }

    @Test
    void concurrentFailuresAreAllCounted() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.store.beforeNextWrite(() -> rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));

        assertEquals(2, f.stored(ALICE).lockout().failedAttempts());
    }

    @Test
    void aGuessThatLosesTheRaceToTheLockingFailureIsRefusedAsLocked() {
        Fixture.Enabled enabled = f.enable(ALICE);
        for (int i = 0; i < 4; i++) {
            rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
        }
        f.store.beforeNextWrite(() -> rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));

        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS,
                rejection(() -> f.verify(ALICE, f.currentCode(enabled.secret()))),
                "re-decided on the locked state: even the right code is refused");
    }

    @Test
    void aSetupRestartedDuringConfirmationInvalidatesTheOldSecretsCode() {
        String first = f.setup(ALICE).secret();
        AtomicReference<String> second = new AtomicReference<>();
        f.store.beforeNextWrite(() -> second.set(f.setup(ALICE).secret()));

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.confirm(ALICE, f.currentCode(first))));

        assertEquals(EnrollmentStatus.PENDING, f.stored(ALICE).status());
        assertDoesNotThrow(() -> f.confirm(ALICE, f.currentCode(second.get())));
    }

    @Test
    void aRemovalDuringVerificationLeavesNothingToVerify() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.store.beforeNextWrite(() -> f.remove(ALICE, enabled.recoveryCode()));

        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED,
                rejection(() -> f.verify(ALICE, f.currentCode(enabled.secret()))));

        assertTrue(f.maybeStored(ALICE).isEmpty());
    }

    @Test
    void aConfirmationDuringARestartedSetupMakesTheRestartFail() {
        String secret = f.setup(ALICE).secret();
        // The competing confirmation commits between the setup's encryption and its write.
        f.store.beforeNextWrite(() -> f.confirm(ALICE, f.currentCode(secret)));

        assertEquals(MfaRejection.Reason.MFA_ALREADY_ENABLED, rejection(() -> f.setup(ALICE)));

        assertEquals(EnrollmentStatus.ENABLED, f.stored(ALICE).status());
    }

    @Test
    void endlessContentionEndsAsDependencyUnavailableWithoutChangingState() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);
        f.store.failNextWrites(Attempts.MAX_CONFLICTS, conflict());

        DependencyUnavailableException busy = assertThrows(DependencyUnavailableException.class,
                () -> f.verify(ALICE, f.currentCode(enabled.secret())));

        // No dependency failed: neither outage alarm (KMS, DynamoDB) may count it.
        assertEquals(Optional.empty(), busy.dependency());
        assertEquals(before, f.stored(ALICE));
        assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(enabled.secret())));
    }

    @Test
    void contentionJustBelowTheLimitIsStillRetried() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.store.failNextWrites(Attempts.MAX_CONFLICTS - 1, conflict());

        assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(enabled.secret())));
    }
}
