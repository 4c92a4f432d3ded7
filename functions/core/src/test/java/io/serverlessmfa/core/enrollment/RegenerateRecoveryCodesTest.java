package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static io.serverlessmfa.core.enrollment.Fixture.rejection;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.totp.TotpCode;
import java.util.OptionalLong;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegenerateRecoveryCodesTest {

    private final Fixture f = new Fixture();

    @Test
    void regenerateWithoutEnrollmentIsRejectedAsNotEnabled() {
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED,
                rejection(() -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, new TotpCode("123456"))));
    }

    @Test
    void regenerateWhilePendingIsRejectedAsNotEnabled() {
        String secret = f.setup(ALICE).secret();
        Enrollment before = f.stored(ALICE);

        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED,
                rejection(() -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.currentCode(secret))));

        assertEquals(before, f.stored(ALICE));
    }

    @Test
    void regenerateWithAWrongCodeCountsAFailureAndKeepsTheOldCodes() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment.Enabled before = f.storedEnabled(ALICE);

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.wrongCode(enabled.secret()))));

        assertEquals(1, f.stored(ALICE).lockout().failedAttempts());
        assertEquals(before.recoveryCodes(), f.storedEnabled(ALICE).recoveryCodes());
        assertDoesNotThrow(() -> f.recover(ALICE, enabled.recoveryCode()));
    }

    @Test
    void regenerateReplacesEveryCodeOldOnesStopNewOnesWork() {
        Fixture three = Fixture.withRecoveryCodeCount(3);
        Fixture.Enabled enabled = three.enable(ALICE);

        List<RecoveryCode> fresh = three.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, three.currentCode(enabled.secret()));

        assertEquals(3, fresh.size());
        Set<RecoveryCode> all = new HashSet<>(fresh);
        all.addAll(enabled.recoveryCodes());
        assertEquals(6, all.size(), "no old code is reissued");
        assertEquals(3, three.getStatus.status(ALICE).recoveryCodesRemaining());
        for (RecoveryCode old : enabled.recoveryCodes()) {
            assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                    rejection(() -> three.recover(ALICE, old)));
        }
        for (RecoveryCode code : fresh) {
            assertDoesNotThrow(() -> three.recover(ALICE, code));
        }
    }

    @Test
    void regenerateWithTheDefaultPolicyIssuesOneCode() {
        Fixture.Enabled enabled = f.enable(ALICE);

        List<RecoveryCode> fresh = f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.currentCode(enabled.secret()));

        assertEquals(1, fresh.size());
        assertTrue(f.hasher.matches(ALICE, fresh.get(0), f.storedEnabled(ALICE).recoveryCodes().get(0)));
        assertFalse(f.hasher.matches(ALICE, enabled.recoveryCode(), f.storedEnabled(ALICE).recoveryCodes().get(0)));
    }

    @Test
    void theRegeneratingCodeCountsAsUsed() {
        Fixture.Enabled enabled = f.enable(ALICE);
        TotpCode code = f.currentCode(enabled.secret());
        f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, code);

        assertEquals(OptionalLong.of(f.currentStep()), f.stored(ALICE).authenticator().lastAcceptedStep());
        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, code)));
        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, code)));
    }

    @Test
    void regenerateWithACodeAlreadyUsedToVerifyIsRejected() {
        Fixture.Enabled enabled = f.enable(ALICE);
        TotpCode code = f.currentCode(enabled.secret());
        f.verify(ALICE, code);
        Enrollment.Enabled before = f.storedEnabled(ALICE);

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, code)));

        assertEquals(before.recoveryCodes(), f.storedEnabled(ALICE).recoveryCodes());
        assertDoesNotThrow(() -> f.recover(ALICE, enabled.recoveryCode()));
    }

    @Test
    void regenerateWithAnOlderStepThanTheLastAcceptedIsRejected() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.nextStep();
        TotpCode previous = f.codeAtOffset(enabled.secret(), -1);
        f.verify(ALICE, f.currentCode(enabled.secret()));

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, previous)));
    }
}
