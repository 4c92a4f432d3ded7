package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static io.serverlessmfa.core.enrollment.Fixture.rejection;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.totp.TotpCode;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RemoveMfaTest {

    private final Fixture f = new Fixture();

    @Test
    void removeWithoutEnrollmentIsRejectedAsNotEnabled() {
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.removeMfa.remove(ORIGIN, ALICE, Optional.empty())));
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.remove(ALICE, new TotpCode("123456"))));
    }

    @Test
    void removeAfterTheSetupExpiredIsRejectedAsNotEnabled() {
        f.setup(ALICE);
        f.clock.advance(Duration.ofMinutes(10));

        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.removeMfa.remove(ORIGIN, ALICE, Optional.empty())));
    }

    @Test
    void removeWhilePendingNeedsNoProofAndCancelsTheSetup() {
        String secret = f.setup(ALICE).secret();

        assertEquals(EnrollmentStatus.PENDING, f.removeMfa.remove(ORIGIN, ALICE, Optional.empty()), "a cancelled setup");

        assertTrue(f.maybeStored(ALICE).isEmpty());
        assertEquals(EnrollmentStatus.NONE, f.getStatus.status(ALICE).status());
        assertEquals(MfaRejection.Reason.NO_PENDING_SETUP,
                rejection(() -> f.confirm(ALICE, f.currentCode(secret))));
    }

    @Test
    void removeWhilePendingIgnoresAnOfferedProof() {
        String secret = f.setup(ALICE).secret();

        f.remove(ALICE, f.wrongCode(secret));

        assertTrue(f.maybeStored(ALICE).isEmpty());
    }

    @Test
    void removeWhileEnabledWithoutProofIsRefusedAndNotCounted() {
        f.enable(ALICE);
        Enrollment before = f.stored(ALICE);

        assertEquals(MfaRejection.Reason.PROOF_REQUIRED, rejection(() -> f.removeMfa.remove(ORIGIN, ALICE, Optional.empty())));

        assertEquals(before, f.stored(ALICE));
    }

    @Test
    void removeWithAWrongTotpCodeCountsAFailure() {
        Fixture.Enabled enabled = f.enable(ALICE);

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.remove(ALICE, f.wrongCode(enabled.secret()))));

        assertEquals(EnrollmentStatus.ENABLED, f.stored(ALICE).status());
        assertEquals(1, f.stored(ALICE).lockout().failedAttempts());
    }

    @Test
    void removeWithAWrongRecoveryCodeCountsAFailure() {
        f.enable(ALICE);

        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE, rejection(() -> f.remove(ALICE, f.unknownRecoveryCode())));

        assertEquals(EnrollmentStatus.ENABLED, f.stored(ALICE).status());
        assertEquals(1, f.stored(ALICE).lockout().failedAttempts());
    }

    @Test
    void removeWithAReplayedTotpCodeIsRefused() {
        Fixture.Enabled enabled = f.enable(ALICE);
        TotpCode code = f.currentCode(enabled.secret());
        f.verify(ALICE, code);

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.remove(ALICE, code)));
        assertEquals(EnrollmentStatus.ENABLED, f.stored(ALICE).status());
    }

    @Test
    void removeWithTheCurrentTotpCodeDeletesTheEnrollment() {
        Fixture.Enabled enabled = f.enable(ALICE);

        f.remove(ALICE, f.currentCode(enabled.secret()));

        assertTrue(f.maybeStored(ALICE).isEmpty(), "secret and recovery hashes are gone");
        assertEquals(EnrollmentStatus.NONE, f.getStatus.status(ALICE).status());
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED,
                rejection(() -> f.verify(ALICE, f.codeAtOffset(enabled.secret(), 1))));
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED,
                rejection(() -> f.recover(ALICE, enabled.recoveryCode())));
    }

    @Test
    void removeWithARecoveryCodeDeletesTheEnrollment() {
        Fixture.Enabled enabled = f.enable(ALICE);

        f.remove(ALICE, enabled.recoveryCode());

        assertTrue(f.maybeStored(ALICE).isEmpty());
        assertEquals(EnrollmentStatus.NONE, f.getStatus.status(ALICE).status());
    }

    @Test
    void afterRemovalSetupStartsFromScratch() {
        Fixture.Enabled enabled = f.enable(ALICE);
        long removedVersion = f.stored(ALICE).version();
        f.remove(ALICE, f.currentCode(enabled.secret()));

        String secret = f.setup(ALICE).secret();

        Enrollment stored = f.stored(ALICE);
        assertEquals(EnrollmentStatus.PENDING, stored.status());
        // Versions never repeat: a request that read the removed enrollment cannot match this one.
        assertTrue(stored.version() > removedVersion, "version " + stored.version());
        assertEquals(0, stored.lockout().failedAttempts());
        assertEquals(OptionalLong.empty(), stored.authenticator().lastAcceptedStep());
        assertDoesNotThrow(() -> f.confirm(ALICE, f.currentCode(secret)));
    }

    @Test
    void removingTwiceIsRejectedTheSecondTime() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.remove(ALICE, enabled.recoveryCode());

        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.remove(ALICE, enabled.recoveryCode())));
    }
}
