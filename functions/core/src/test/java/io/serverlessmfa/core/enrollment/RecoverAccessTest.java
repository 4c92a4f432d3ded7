package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static io.serverlessmfa.core.enrollment.Fixture.TOKEN_AUDIENCE;
import static io.serverlessmfa.core.enrollment.Fixture.TOKEN_ISSUER;
import static io.serverlessmfa.core.enrollment.Fixture.rejection;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaTokenClaims;
import io.serverlessmfa.core.token.MfaTokenRequest;
import io.serverlessmfa.core.token.MfaTokenSettings;
import io.serverlessmfa.core.token.Nonce;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecoverAccessTest {

    private final Fixture f = new Fixture();

    @Test
    void recoverWithoutEnrollmentIsRejectedAsNotEnabled() {
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED,
                rejection(() -> f.recover(ALICE, f.unknownRecoveryCode())));
    }

    @Test
    void recoverWhilePendingIsRejectedAsNotEnabledAndNotCounted() {
        f.setup(ALICE);
        Enrollment before = f.stored(ALICE);

        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED,
                rejection(() -> f.recover(ALICE, f.unknownRecoveryCode())));

        assertEquals(before, f.stored(ALICE));
    }

    @Test
    void recoverWithAWrongCodeCountsAFailure() {
        f.enable(ALICE);
        Enrollment.Enabled before = f.storedEnabled(ALICE);

        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.recover(ALICE, f.unknownRecoveryCode())));

        Enrollment.Enabled after = f.storedEnabled(ALICE);
        assertEquals(1, after.lockout().failedAttempts());
        assertEquals(before.recoveryCodes(), after.recoveryCodes());
    }

    @Test
    void recoverWithTheRightCodeReturnsANewCodeInItsPlace() {
        Fixture.Enabled enabled = f.enable(ALICE);
        RecoveryCode used = enabled.recoveryCode();

        RecoveryCode replacement = f.recover(ALICE, used).replacement();

        assertNotEquals(used, replacement);
        Enrollment.Enabled stored = f.storedEnabled(ALICE);
        assertEquals(1, stored.recoveryCodes().size());
        assertTrue(f.hasher.matches(ALICE, replacement, stored.recoveryCodes().get(0)));
        assertEquals(1, f.getStatus.status(ALICE).recoveryCodesRemaining(), "remaining unchanged");
    }

    @Test
    void aUsedRecoveryCodeNoLongerWorks() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.recover(ALICE, enabled.recoveryCode());

        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.recover(ALICE, enabled.recoveryCode())));
        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.remove(ALICE, enabled.recoveryCode())));
        assertEquals(EnrollmentStatus.ENABLED, f.stored(ALICE).status());
    }

    @Test
    void theReplacementCodeWorks() {
        Fixture.Enabled enabled = f.enable(ALICE);
        RecoveryCode second = f.recover(ALICE, enabled.recoveryCode()).replacement();

        RecoveryCode third = f.recover(ALICE, second).replacement();

        assertNotEquals(second, third);
        assertEquals(1, f.getStatus.status(ALICE).recoveryCodesRemaining());
    }

    @Test
    void recoverWithThreeCodesReplacesOnlyTheUsedOne() {
        Fixture three = Fixture.withRecoveryCodeCount(3);
        Fixture.Enabled enabled = three.enable(ALICE);
        List<RecoveryCode> codes = enabled.recoveryCodes();
        List<HashedRecoveryCode> before = three.storedEnabled(ALICE).recoveryCodes();

        RecoveryCode replacement = three.recover(ALICE, codes.get(1)).replacement();

        List<HashedRecoveryCode> after = three.storedEnabled(ALICE).recoveryCodes();
        assertEquals(3, after.size());
        assertEquals(before.get(0), after.get(0));
        assertEquals(before.get(2), after.get(2));
        assertNotEquals(before.get(1), after.get(1));
        assertTrue(three.hasher.matches(ALICE, replacement, after.get(1)));
        assertEquals(3, three.getStatus.status(ALICE).recoveryCodesRemaining());

        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> three.recover(ALICE, codes.get(1))));
        assertDoesNotThrow(() -> three.recover(ALICE, codes.get(0)));
        assertDoesNotThrow(() -> three.recover(ALICE, codes.get(2)));
        assertDoesNotThrow(() -> three.recover(ALICE, replacement));
        assertEquals(3, three.getStatus.status(ALICE).recoveryCodesRemaining());
    }

    @Test
    void recoverAcceptsTheCodeAsTypedInLowerCaseWithDashes() {
        Fixture.Enabled enabled = f.enable(ALICE);
        String typed = enabled.recoveryCode().formatted().toLowerCase(Locale.ROOT);

        RecoveryCode parsed = RecoveryCode.parse(typed).orElseThrow();

        assertDoesNotThrow(() -> f.recover(ALICE, parsed));
    }

    @Test
    void recoverLeavesTheTotpReplayStateAlone() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.verify(ALICE, f.currentCode(enabled.secret()));
        OptionalLong step = f.stored(ALICE).authenticator().lastAcceptedStep();

        f.recover(ALICE, enabled.recoveryCode());

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
                rejection(() -> f.recover(Fixture.BOB, alice.recoveryCode())));
        assertDoesNotThrow(() -> f.recover(ALICE, alice.recoveryCode()));
    }

    @Test
    void recoveryCodesDoNotExpire() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.clock.advance(Duration.ofDays(400));

        assertDoesNotThrow(() -> f.recover(ALICE, enabled.recoveryCode()));
    }

    // ---- the MFA token ------------------------------------------------------------------------

    @Test
    void aRecoveryCodeEarnsATokenForTheUserProvenWithRecNotOtp() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.clock.advance(Duration.ofHours(3));
        Instant now = f.clock.instant();
        int signedBefore = f.tokenSigner.signedCount();

        RecoverAccess.Recovered recovered = f.recover(ALICE, enabled.recoveryCode());

        assertEquals(signedBefore + 1, f.tokenSigner.signedCount(), "exactly one token signed");
        MfaTokenClaims claims = f.assertLastTokenProves(ALICE, AuthenticationMethod.RECOVERY_CODE, now, recovered.token());
        assertFalse(claims.provedWith(AuthenticationMethod.ONE_TIME_PASSWORD));
        assertTrue(f.hasher.matches(ALICE, recovered.replacement(), f.storedEnabled(ALICE).recoveryCodes().get(0)),
                "the replacement comes with the token");
    }

    @Test
    void recoveringEchoesTheRequestsNonce() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Nonce nonce = new Nonce("x".repeat(Nonce.MAX_LENGTH));

        f.recoverAccess.recover(ORIGIN, ALICE, enabled.recoveryCode(), new MfaTokenRequest(TOKEN_ISSUER, Optional.of(nonce)));

        assertEquals(Optional.of(nonce), f.tokenSigner.lastSigned().nonce());
    }

    @Test
    void aWrongRecoveryCodeEarnsNoToken() {
        f.enable(ALICE);
        int signedBefore = f.tokenSigner.signedCount();

        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.recover(ALICE, f.unknownRecoveryCode())));

        assertEquals(signedBefore, f.tokenSigner.signedCount());
    }

    @Test
    void aUsedRecoveryCodeEarnsNoSecondToken() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.recover(ALICE, enabled.recoveryCode());
        int signedBefore = f.tokenSigner.signedCount();

        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.recover(ALICE, enabled.recoveryCode())));

        assertEquals(signedBefore, f.tokenSigner.signedCount());
    }

    @Test
    void aLockedUserEarnsNoTokenEvenWithTheRightRecoveryCode() {
        Fixture.Enabled enabled = f.enable(ALICE);
        for (int i = 0; i < f.policy.lockout().failuresPerLock(); i++) {
            rejection(() -> f.recover(ALICE, f.unknownRecoveryCode()));
        }
        int signedBefore = f.tokenSigner.signedCount();

        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS, rejection(() -> f.recover(ALICE, enabled.recoveryCode())));

        assertEquals(signedBefore, f.tokenSigner.signedCount());
    }

    @Test
    void withoutMfaARecoveryCodeEarnsNoToken() {
        f.setup(ALICE);

        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.recover(ALICE, f.unknownRecoveryCode())));
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.recover(Fixture.BOB, f.unknownRecoveryCode())));

        assertEquals(0, f.tokenSigner.signedCount());
    }
}
