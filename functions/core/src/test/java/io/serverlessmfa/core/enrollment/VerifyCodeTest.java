package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static io.serverlessmfa.core.enrollment.Fixture.TOKEN_AUDIENCE;
import static io.serverlessmfa.core.enrollment.Fixture.TOKEN_ISSUER;
import static io.serverlessmfa.core.enrollment.Fixture.rejection;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaToken;
import io.serverlessmfa.core.token.MfaTokenClaims;
import io.serverlessmfa.core.token.MfaTokenRequest;
import io.serverlessmfa.core.token.MfaTokenSettings;
import io.serverlessmfa.core.token.Nonce;
import io.serverlessmfa.core.totp.TotpCode;
import io.serverlessmfa.core.totp.TotpSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VerifyCodeTest {

    private final Fixture f = new Fixture();

    @Test
    void verifyWithoutEnrollmentIsRejectedAsNotEnabled() {
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.verify(ALICE, new TotpCode("123456"))));

        assertTrue(f.maybeStored(ALICE).isEmpty());
    }

    @Test
    void verifyWhilePendingIsRejectedAsNotEnabledAndNotCounted() {
        String secret = f.setup(ALICE).secret();
        Enrollment before = f.stored(ALICE);

        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.verify(ALICE, f.currentCode(secret))));
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.verify(ALICE, f.wrongCode(secret))));

        assertEquals(before, f.stored(ALICE));
    }

    @Test
    void verifyAfterAnExpiredSetupIsRejectedAsNotEnabled() {
        String secret = f.setup(ALICE).secret();
        f.clock.advance(Duration.ofMinutes(10));

        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.verify(ALICE, f.currentCode(secret))));
    }

    @Test
    void verifyAcceptsTheCurrentCodeAndRecordsItsStep() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment.Enabled before = f.storedEnabled(ALICE);

        f.verify(ALICE, f.currentCode(enabled.secret()));

        Enrollment.Enabled after = f.storedEnabled(ALICE);
        assertEquals(OptionalLong.of(f.currentStep()), after.authenticator().lastAcceptedStep());
        assertEquals(before.version() + 1, after.version());
        assertEquals(0, after.lockout().failedAttempts());
        assertEquals(before.recoveryCodes(), after.recoveryCodes());
    }

    @Test
    void verifyAcceptsTheCodeOfThePreviousStep() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.nextStep(); // the previous step is after the confirming one

        f.verify(ALICE, f.codeAtOffset(enabled.secret(), -1));

        assertEquals(OptionalLong.of(f.currentStep() - 1), f.stored(ALICE).authenticator().lastAcceptedStep());
    }

    @Test
    void verifyAcceptsTheCodeOfTheNextStep() {
        Fixture.Enabled enabled = f.enable(ALICE);

        f.verify(ALICE, f.codeAtOffset(enabled.secret(), 1));

        assertEquals(OptionalLong.of(f.currentStep() + 1), f.stored(ALICE).authenticator().lastAcceptedStep());
    }

    @ParameterizedTest(name = "offset {0}")
    @ValueSource(ints = {-2, 2, -3, 3})
    void verifyRejectsACodeTwoOrMoreStepsAway(int offset) {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.clock.advance(Duration.ofMinutes(5)); // so that the earlier steps are all after the confirming one

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.verify(ALICE, f.codeAtOffset(enabled.secret(), offset))));

        assertEquals(1, f.stored(ALICE).lockout().failedAttempts());
    }

    @Test
    void verifyWithAZeroWindowAcceptsOnlyTheCurrentStep() {
        Fixture strict = new Fixture(new MfaPolicy(Fixture.ISSUER, TotpSettings.defaults(), 0,
                LockoutPolicy.defaults(), Duration.ofMinutes(10), 1));
        Fixture.Enabled enabled = strict.enable(ALICE);
        strict.nextStep();

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> strict.verify(ALICE, strict.codeAtOffset(enabled.secret(), -1))));
        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> strict.verify(ALICE, strict.codeAtOffset(enabled.secret(), 1))));
        assertDoesNotThrow(() -> strict.verify(ALICE, strict.currentCode(enabled.secret())));
    }

    @Test
    void verifyRejectsAReplayOfTheSameCode() {
        Fixture.Enabled enabled = f.enable(ALICE);
        TotpCode code = f.currentCode(enabled.secret());
        f.verify(ALICE, code);
        OptionalLong step = f.stored(ALICE).authenticator().lastAcceptedStep();

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, code)));

        Enrollment after = f.stored(ALICE);
        assertEquals(step, after.authenticator().lastAcceptedStep());
        assertEquals(1, after.lockout().failedAttempts(), "a replayed code is a failed code");
    }

    @Test
    void verifyRejectsAnOlderStepAfterANewerOne() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.nextStep();
        TotpCode previous = f.codeAtOffset(enabled.secret(), -1);
        TotpCode current = f.currentCode(enabled.secret());
        f.verify(ALICE, f.codeAtOffset(enabled.secret(), 1));

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, current)));
        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, previous)));
    }

    @Test
    void verifyRejectsTheConfirmingStepsCodeInTheFollowingStep() {
        Fixture.Enabled enabled = f.enable(ALICE); // the clock is one step after confirmation

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.verify(ALICE, f.codeAtOffset(enabled.secret(), -1))));
    }

    @Test
    void verifyAcceptsEachNewStepInTurn() {
        Fixture.Enabled enabled = f.enable(ALICE);
        for (int i = 0; i < 5; i++) {
            assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(enabled.secret())));
            f.nextStep();
        }
    }

    @Test
    void verifyWithAWrongCodeCountsAFailure() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));

        Enrollment after = f.stored(ALICE);
        assertEquals(1, after.lockout().failedAttempts());
        assertEquals(before.authenticator().lastAcceptedStep(), after.authenticator().lastAcceptedStep());
        assertEquals(before.version() + 1, after.version());
    }

    @Test
    void verifyWithAnotherUsersCodeFails() {
        Fixture.Enabled alice = f.enable(ALICE);
        f.enable(Fixture.BOB);

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.verify(Fixture.BOB, f.currentCode(alice.secret()))));
    }

    // ---- the MFA token ------------------------------------------------------------------------

    @Test
    void anAcceptedCodeEarnsATokenForTheUserProvenWithOtpNow() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.clock.advance(Duration.ofSeconds(7)); // not on a step boundary
        Instant now = f.clock.instant();
        int signedBefore = f.tokenSigner.signedCount();

        MfaToken token = f.verify(ALICE, f.currentCode(enabled.secret()));

        assertEquals(signedBefore + 1, f.tokenSigner.signedCount(), "exactly one token signed");
        f.assertLastTokenProves(ALICE, AuthenticationMethod.ONE_TIME_PASSWORD, now, token);
    }

    @Test
    void theTokenEchoesTheRequestsNonce() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Nonce nonce = new Nonce("n-0S6_WzA2Mj");

        f.verifyCode.verify(ORIGIN, ALICE, f.currentCode(enabled.secret()), new MfaTokenRequest(TOKEN_ISSUER, Optional.of(nonce)));

        assertEquals(Optional.of(nonce), f.tokenSigner.lastSigned().nonce());
    }

    @Test
    void theTokenNamesTheIssuerTheRequestReached() {
        Fixture.Enabled enabled = f.enable(ALICE);

        f.verifyCode.verify(ORIGIN, ALICE, f.currentCode(enabled.secret()),
                new MfaTokenRequest("http://127.0.0.1:3000", Optional.empty()));

        assertEquals("http://127.0.0.1:3000", f.tokenSigner.lastSigned().issuer());
    }

    @Test
    void eachSignInEarnsItsOwnToken() {
        Fixture.Enabled enabled = f.enable(ALICE);
        MfaToken first = f.verify(ALICE, f.currentCode(enabled.secret()));
        String firstId = f.tokenSigner.lastSigned().tokenId();
        f.nextStep();

        MfaToken second = f.verify(ALICE, f.currentCode(enabled.secret()));

        assertNotEquals(first.compact(), second.compact());
        assertNotEquals(firstId, f.tokenSigner.lastSigned().tokenId());
    }

    @Test
    void aWrongCodeEarnsNoToken() {
        Fixture.Enabled enabled = f.enable(ALICE);
        int signedBefore = f.tokenSigner.signedCount();

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));

        assertEquals(signedBefore, f.tokenSigner.signedCount());
    }

    @Test
    void aReplayedCodeEarnsNoSecondToken() {
        Fixture.Enabled enabled = f.enable(ALICE);
        TotpCode code = f.currentCode(enabled.secret());
        f.verify(ALICE, code);
        int signedBefore = f.tokenSigner.signedCount();

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, code)));

        assertEquals(signedBefore, f.tokenSigner.signedCount());
    }

    @Test
    void aLockedUserEarnsNoTokenEvenWithTheRightCode() {
        Fixture.Enabled enabled = f.enable(ALICE);
        for (int i = 0; i < f.policy.lockout().failuresPerLock(); i++) {
            rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
        }
        int signedBefore = f.tokenSigner.signedCount();

        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS,
                rejection(() -> f.verify(ALICE, f.currentCode(enabled.secret()))));

        assertEquals(signedBefore, f.tokenSigner.signedCount());
    }

    @Test
    void withoutMfaThereIsNoToken() {
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.verify(ALICE, new TotpCode("123456"))));

        assertEquals(0, f.tokenSigner.signedCount());
    }

    @Test
    void aPendingSetupEarnsNoTokenOnVerify() {
        String secret = f.setup(ALICE).secret();

        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> f.verify(ALICE, f.currentCode(secret))));

        assertEquals(0, f.tokenSigner.signedCount());
    }
}
