package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static io.serverlessmfa.core.enrollment.Fixture.rejection;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCode;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class RecoverAccessTest {

    private final Fixture f = new Fixture();

    @Test
    void recoverWithoutEnrollmentIsRejectedAsNotEnabled() {
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED,
                rejection(() -> f.recoverAccess.recover(ORIGIN, ALICE, f.unknownRecoveryCode())));
    }

    @Test
    void recoverWhilePendingIsRejectedAsNotEnabledAndNotCounted() {
        f.setup(ALICE);
        Enrollment before = f.stored(ALICE);

        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED,
                rejection(() -> f.recoverAccess.recover(ORIGIN, ALICE, f.unknownRecoveryCode())));

        assertEquals(before, f.stored(ALICE));
    }

    @Test
    void recoverWithAWrongCodeCountsAFailure() {
        f.enable(ALICE);
        Enrollment.Enabled before = f.storedEnabled(ALICE);

        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.recoverAccess.recover(ORIGIN, ALICE, f.unknownRecoveryCode())));

        Enrollment.Enabled after = f.storedEnabled(ALICE);
        assertEquals(1, after.lockout().failedAttempts());
        assertEquals(before.recoveryCodes(), after.recoveryCodes());
    }

    @Test
    void recoverWithTheRightCodeReturnsANewCodeInItsPlace() {
        Fixture.Enabled enabled = f.enable(ALICE);
        RecoveryCode used = enabled.recoveryCode();

        RecoveryCode replacement = f.recoverAccess.recover(ORIGIN, ALICE, used);

        assertNotEquals(used, replacement);
        Enrollment.Enabled stored = f.storedEnabled(ALICE);
        assertEquals(1, stored.recoveryCodes().size());
        assertTrue(f.hasher.matches(replacement, stored.recoveryCodes().get(0)));
        assertEquals(1, f.getStatus.status(ALICE).recoveryCodesRemaining(), "remaining unchanged");
    }

    @Test
    void aUsedRecoveryCodeNoLongerWorks() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.recoverAccess.recover(ORIGIN, ALICE, enabled.recoveryCode());

        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.recoverAccess.recover(ORIGIN, ALICE, enabled.recoveryCode())));
        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.remove(ALICE, enabled.recoveryCode())));
        assertEquals(EnrollmentStatus.ENABLED, f.stored(ALICE).status());
    }

    @Test
    void theReplacementCodeWorks() {
        Fixture.Enabled enabled = f.enable(ALICE);
        RecoveryCode second = f.recoverAccess.recover(ORIGIN, ALICE, enabled.recoveryCode());

        RecoveryCode third = f.recoverAccess.recover(ORIGIN, ALICE, second);

        assertNotEquals(second, third);
        assertEquals(1, f.getStatus.status(ALICE).recoveryCodesRemaining());
    }

    @Test
    void recoverWithThreeCodesReplacesOnlyTheUsedOne() {
        Fixture three = Fixture.withRecoveryCodeCount(3);
        Fixture.Enabled enabled = three.enable(ALICE);
        List<RecoveryCode> codes = enabled.recoveryCodes();
        List<HashedRecoveryCode> before = three.storedEnabled(ALICE).recoveryCodes();

        RecoveryCode replacement = three.recoverAccess.recover(ORIGIN, ALICE, codes.get(1));

        List<HashedRecoveryCode> after = three.storedEnabled(ALICE).recoveryCodes();
        assertEquals(3, after.size());
        assertEquals(before.get(0), after.get(0));
        assertEquals(before.get(2), after.get(2));
        assertNotEquals(before.get(1), after.get(1));
        assertTrue(three.hasher.matches(replacement, after.get(1)));
        assertEquals(3, three.getStatus.status(ALICE).recoveryCodesRemaining());

        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> three.recoverAccess.recover(ORIGIN, ALICE, codes.get(1))));
        assertDoesNotThrow(() -> three.recoverAccess.recover(ORIGIN, ALICE, codes.get(0)));
        assertDoesNotThrow(() -> three.recoverAccess.recover(ORIGIN, ALICE, codes.get(2)));
        assertDoesNotThrow(() -> three.recoverAccess.recover(ORIGIN, ALICE, replacement));
        assertEquals(3, three.getStatus.status(ALICE).recoveryCodesRemaining());
    }

    @Test
    void recoverAcceptsTheCodeAsTypedInLowerCaseWithDashes() {
        Fixture.Enabled enabled = f.enable(ALICE);
        String typed = enabled.recoveryCode().formatted().toLowerCase(Locale.ROOT);

        RecoveryCode parsed = RecoveryCode.parse(typed).orElseThrow();

        assertDoesNotThrow(() -> f.recoverAccess.recover(ORIGIN, ALICE, parsed));
    }

    @Test
    void recoverLeavesTheTotpReplayStateAlone() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.verify(ALICE, f.currentCode(enabled.secret()));
        OptionalLong step = f.stored(ALICE).authenticator().lastAcceptedStep();

        f.recoverAccess.recover(ORIGIN, ALICE, enabled.recoveryCode());

        assertEquals(step, f.stored(ALICE).authenticator().lastAcceptedStep());
        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.verify(ALICE, f.currentCode(enabled.secret()))), "still a replay");
        f.nextStep();
        assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(enabled.secret())));
    }

    @Test
    void anotherUsersRecoveryCodeIsRejected() {
        Fixture.Enabled alice = f.enable(ALICE);
        f.enable(Fixture.BOB);

        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.recoverAccess.recover(ORIGIN, Fixture.BOB, alice.recoveryCode())));
        assertDoesNotThrow(() -> f.recoverAccess.recover(ORIGIN, ALICE, alice.recoveryCode()));
    }

    @Test
    void recoveryCodesDoNotExpire() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.clock.advance(Duration.ofDays(400));

        assertDoesNotThrow(() -> f.recoverAccess.recover(ORIGIN, ALICE, enabled.recoveryCode()));
    }
}
