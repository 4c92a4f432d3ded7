package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static io.serverlessmfa.core.enrollment.Fixture.START;
import static io.serverlessmfa.core.enrollment.Fixture.TOKEN_AUDIENCE;
import static io.serverlessmfa.core.enrollment.Fixture.TOKEN_ISSUER;
import static io.serverlessmfa.core.enrollment.Fixture.rejection;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaTokenClaims;
import io.serverlessmfa.core.token.MfaTokenRequest;
import io.serverlessmfa.core.token.MfaTokenSettings;
import io.serverlessmfa.core.token.Nonce;
import io.serverlessmfa.core.totp.TotpCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Optional;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfirmSetupTest {

    private final Fixture f = new Fixture();

    @Test
    void confirmWithoutSetupIsRejectedAsNoPendingSetup() {
        assertEquals(MfaRejection.Reason.NO_PENDING_SETUP,
                rejection(() -> f.confirm(ALICE, new TotpCode("123456"))));

        assertTrue(f.maybeStored(ALICE).isEmpty());
    }

    @Test
    void confirmAfterTheSetupExpiredIsRejectedAsNoPendingSetupEvenWithTheRightCode() {
        String secret = f.setup(ALICE).secret();
        f.clock.advance(Duration.ofMinutes(10));
        Enrollment before = f.stored(ALICE);

        assertEquals(MfaRejection.Reason.NO_PENDING_SETUP,
                rejection(() -> f.confirm(ALICE, f.currentCode(secret))));

        assertEquals(before, f.stored(ALICE), "nothing counted, nothing enabled");
    }

    @Test
    void confirmOneSecondBeforeExpiryStillWorks() {
        String secret = f.setup(ALICE).secret();
        f.clock.advance(Duration.ofMinutes(10).minusSeconds(1));

        assertDoesNotThrow(() -> f.confirm(ALICE, f.currentCode(secret)));
        assertEquals(EnrollmentStatus.ENABLED, f.stored(ALICE).status());
    }

    @Test
    void confirmWhenAlreadyEnabledIsRejected() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);

        assertEquals(MfaRejection.Reason.MFA_ALREADY_ENABLED,
                rejection(() -> f.confirm(ALICE, f.currentCode(enabled.secret()))));

        assertEquals(before, f.stored(ALICE));
    }

    @Test
    void confirmWithWrongCodeCountsAFailure() {
        String secret = f.setup(ALICE).secret();

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.confirm(ALICE, f.wrongCode(secret))));

        Enrollment stored = f.stored(ALICE);
        assertEquals(EnrollmentStatus.PENDING, stored.status());
        assertEquals(1, stored.lockout().failedAttempts());
        assertEquals(2, stored.version());
        assertEquals(Optional.empty(), stored.lockout().lockEnd());

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.confirm(ALICE, f.wrongCode(secret))));
        assertEquals(2, f.stored(ALICE).lockout().failedAttempts());
    }

    @Test
    void confirmWithTheRightCodeEnablesMfaWithOneRecoveryCode() {
        String secret = f.setup(ALICE).secret();
        long step = f.currentStep();

        List<RecoveryCode> codes = f.confirm(ALICE, f.currentCode(secret)).recoveryCodes();

        assertEquals(1, codes.size());
        Enrollment.Enabled stored = f.storedEnabled(ALICE);
        assertEquals(START, stored.enabledAt());
        assertEquals(OptionalLong.of(step), stored.authenticator().lastAcceptedStep());
        assertEquals(0, stored.lockout().failedAttempts());
        assertEquals(2, stored.version());
        assertEquals(1, stored.recoveryCodes().size());
        assertTrue(f.hasher.matches(ALICE, codes.get(0), stored.recoveryCodes().get(0)));
        assertEquals(new MfaStatus(EnrollmentStatus.ENABLED, null, START, 1), f.getStatus.status(ALICE));
    }

    @Test
    void confirmIssuesTheConfiguredNumberOfDistinctRecoveryCodes() {
        Fixture three = Fixture.withRecoveryCodeCount(3);
        String secret = three.setup(ALICE).secret();

        List<RecoveryCode> codes = three.confirm(ALICE, three.currentCode(secret)).recoveryCodes();

        assertEquals(3, codes.size());
        assertEquals(3, new HashSet<>(codes).size());
        List<HashedRecoveryCode> hashes = three.storedEnabled(ALICE).recoveryCodes();
        assertEquals(3, hashes.size());
        for (int i = 0; i < 3; i++) {
            assertTrue(three.hasher.matches(ALICE, codes.get(i), hashes.get(i)));
        }
    }

    @Test
    void confirmStoresRecoveryCodesOnlyAsSaltedHashes() throws Exception {
        Fixture three = Fixture.withRecoveryCodeCount(3);
        String secret = three.setup(ALICE).secret();
        List<RecoveryCode> codes = three.confirm(ALICE, three.currentCode(secret)).recoveryCodes();

        Enrollment.Enabled stored = three.storedEnabled(ALICE);
        for (RecoveryCode code : codes) {
            byte[] plain = code.value().getBytes(StandardCharsets.US_ASCII);
            byte[] unsalted = MessageDigest.getInstance("SHA-256").digest(plain);
            for (HashedRecoveryCode hashed : stored.recoveryCodes()) {
                assertFalse(MessageDigest.isEqual(plain, hashed.hash()));
                assertFalse(MessageDigest.isEqual(unsalted, hashed.hash()), "the hash must be salted");
            }
            assertFalse(stored.toString().contains(code.value()));
            assertFalse(stored.toString().contains(code.formatted()));
        }
        // Each code has its own salt.
        assertEquals(3, stored.recoveryCodes().stream().map(h -> new String(h.salt(), StandardCharsets.ISO_8859_1))
                .distinct().count());
    }

    @Test
    void confirmingCodeCannotBeUsedAgainToVerify() {
        String secret = f.setup(ALICE).secret();
        TotpCode code = f.currentCode(secret);
        f.confirm(ALICE, code);

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, code)));

        f.clock.advance(Duration.ofSeconds(15));
        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, code)),
                "still inside the window, still a replay");
    }

    @Test
    void codeFromTheNextStepVerifiesAfterConfirm() {
        String secret = f.setup(ALICE).secret();
        f.confirm(ALICE, f.currentCode(secret));

        f.nextStep();

        assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(secret)));
    }

    @Test
    void confirmAcceptsTheCodeOfAnAdjacentStep() {
        String secret = f.setup(ALICE).secret();
        long step = f.currentStep();

        f.confirm(ALICE, f.codeAtOffset(secret, -1));

        assertEquals(OptionalLong.of(step - 1), f.stored(ALICE).authenticator().lastAcceptedStep());
    }

    @Test
    void confirmWithACodeTwoStepsAwayIsRejected() {
        String secret = f.setup(ALICE).secret();

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.confirm(ALICE, f.codeAtOffset(secret, 2))));
        assertEquals(EnrollmentStatus.PENDING, f.stored(ALICE).status());
    }

    @Test
    void confirmWithTheNextStepsCodeMakesTheCurrentStepAReplay() {
        String secret = f.setup(ALICE).secret();
        f.confirm(ALICE, f.codeAtOffset(secret, 1));

        assertEquals(OptionalLong.of(f.currentStep() + 1), f.stored(ALICE).authenticator().lastAcceptedStep());
        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, f.currentCode(secret))));
    }

    @Test
    void confirmAfterFailuresResetsTheCount() {
        String secret = f.setup(ALICE).secret();
        for (int i = 0; i < 3; i++) {
            rejection(() -> f.confirm(ALICE, f.wrongCode(secret)));
        }
        assertEquals(3, f.stored(ALICE).lockout().failedAttempts());

        f.confirm(ALICE, f.currentCode(secret));

        assertEquals(0, f.stored(ALICE).lockout().failedAttempts());
    }

    @Test
    void confirmKeepsTheCiphertextOfTheSetup() {
        String secret = f.setup(ALICE).secret();
        byte[] before = f.stored(ALICE).authenticator().secret().ciphertext();

        f.confirm(ALICE, f.currentCode(secret));

        assertArrayEquals(before, f.stored(ALICE).authenticator().secret().ciphertext());
    }

    // ---- the MFA token ------------------------------------------------------------------------

    @Test
    void confirmingEarnsATokenForTheUserProvenWithOtpNow() {
        String secret = f.setup(ALICE).secret();
        f.clock.advance(Duration.ofSeconds(42));
        Instant now = f.clock.instant();

        ConfirmSetup.Confirmed confirmed = f.confirm(ALICE, f.currentCode(secret));

        assertEquals(1, f.tokenSigner.signedCount(), "exactly one token signed");
        f.assertLastTokenProves(ALICE, AuthenticationMethod.ONE_TIME_PASSWORD, now, confirmed.token());
        assertEquals(1, confirmed.recoveryCodes().size(), "the recovery codes come with the token");
    }

    @Test
    void confirmingEchoesTheRequestsNonce() {
        String secret = f.setup(ALICE).secret();
        Nonce nonce = new Nonce("confirm.nonce~1");

        f.confirmSetup.confirm(ORIGIN, ALICE, f.currentCode(secret), new MfaTokenRequest(TOKEN_ISSUER, Optional.of(nonce)));

        assertEquals(Optional.of(nonce), f.tokenSigner.lastSigned().nonce());
    }

    @Test
    void aWrongConfirmingCodeEarnsNoToken() {
        String secret = f.setup(ALICE).secret();

        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.confirm(ALICE, f.wrongCode(secret))));

        assertEquals(0, f.tokenSigner.signedCount());
    }

    @Test
    void aLockedSetupEarnsNoTokenEvenWithTheRightCode() {
        String secret = f.setup(ALICE).secret();
        for (int i = 0; i < f.policy.lockout().failuresPerLock(); i++) {
            rejection(() -> f.confirm(ALICE, f.wrongCode(secret)));
        }

        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS, rejection(() -> f.confirm(ALICE, f.currentCode(secret))));

        assertEquals(0, f.tokenSigner.signedCount());
    }

    @Test
    void withoutASetupThereIsNoToken() {
        assertEquals(MfaRejection.Reason.NO_PENDING_SETUP, rejection(() -> f.confirm(ALICE, new TotpCode("123456"))));

        assertEquals(0, f.tokenSigner.signedCount());
    }

    @Test
    void confirmingWhenAlreadyEnabledEarnsNoToken() {
        Fixture.Enabled enabled = f.enable(ALICE);
        int signedBefore = f.tokenSigner.signedCount();

        assertEquals(MfaRejection.Reason.MFA_ALREADY_ENABLED,
                rejection(() -> f.confirm(ALICE, f.currentCode(enabled.secret()))));

        assertEquals(signedBefore, f.tokenSigner.signedCount());
    }
}
