package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.BOB;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static io.serverlessmfa.core.enrollment.Fixture.START;
import static io.serverlessmfa.core.enrollment.Fixture.rejection;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.qr.QrCodeRenderer;
import io.serverlessmfa.core.secret.Base32;
import io.serverlessmfa.core.totp.TotpCode;
import io.serverlessmfa.core.totp.TotpSettings;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Optional;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StartSetupTest {

    private static final String DATA_URI_PREFIX = "data:image/png;base64,";
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final Fixture f = new Fixture();

    @Test
    void setupReturnsA160BitSecretInBase32WithoutPadding() {
        SetupStarted started = f.setup(ALICE);

        assertTrue(started.secret().matches("[A-Z2-7]{32}"), "upper-case Base32, no padding");
        assertEquals(20, Base32.decode(started.secret()).length);
    }

    @Test
    void setupReturnsAKeyUriWithTheIssuerAndTheAccount() {
        SetupStarted started = f.setup(ALICE);

        assertEquals("otpauth://totp/Example%20Corp:alice%40example.com?secret=" + started.secret()
                + "&issuer=Example%20Corp&algorithm=SHA1&digits=6&period=30", started.otpauthUri());
    }

    @Test
    void setupReturnsAPngDataUriOfTheKeyUri() {
        SetupStarted started = f.setup(ALICE);

        assertTrue(started.qrCode().startsWith(DATA_URI_PREFIX));
        byte[] png = Base64.getDecoder().decode(started.qrCode().substring(DATA_URI_PREFIX.length()));
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length));
        // The renderer is deterministic and has its own read-back tests: same picture, same content.
        assertEquals(new QrCodeRenderer(Fixture.QR_PIXELS_PER_MODULE).renderDataUri(started.otpauthUri()),
                started.qrCode());
    }

    @Test
    void setupExpiresAfterThePendingLifetime() {
        SetupStarted started = f.setup(ALICE);

        assertEquals(START.plus(Duration.ofMinutes(10)), started.expiresAt());
        assertEquals(started.expiresAt(), f.storedPending(ALICE).expiresAt());
        assertEquals(started.expiresAt(), f.getStatus.status(ALICE).expiresAt());
    }

    @Test
    void setupExpiryIsInWholeSecondsAndNeverLaterThanNowPlusTheLifetime() {
        f.clock.set(START.plusMillis(700));

        SetupStarted started = f.setup(ALICE);

        assertEquals(START.plus(Duration.ofMinutes(10)), started.expiresAt());
    }

    @Test
    void setupUsesTheConfiguredLifetime() {
        Fixture custom = new Fixture(new MfaPolicy(Fixture.ISSUER, TotpSettings.defaults(), 1,
                LockoutPolicy.defaults(), Duration.ofMinutes(3), 1));

        assertEquals(START.plus(Duration.ofMinutes(3)), custom.setup(ALICE).expiresAt());
    }

    @Test
    void setupWritesAPendingEnrollmentWithTheSecretOnlyAsCiphertextForThatUser() {
        SetupStarted started = f.setup(ALICE);
        byte[] secret = Base32.decode(started.secret());

        // A pending enrollment has no enabledAt and no recovery codes: its type holds neither.
        Enrollment.Pending stored = f.storedPending(ALICE);

        assertEquals(1, stored.version());
        assertEquals(Lockout.clear(), stored.lockout());
        assertEquals(OptionalLong.empty(), stored.authenticator().lastAcceptedStep());
        assertFalse(contains(stored.authenticator().secret().ciphertext(), secret), "the plaintext secret must not be stored");
        assertFalse(stored.toString().contains(started.secret()));
        assertArrayEquals(secret, f.cipher.decrypt(ALICE, stored.authenticator().secret()));
    }

    @Test
    void everySetupDrawsAFreshSecret() {
        String alice = f.setup(ALICE).secret();
        String bob = f.setup(BOB).secret();
        String aliceAgain = f.setup(ALICE).secret();

        assertNotEquals(alice, bob);
        assertNotEquals(alice, aliceAgain);
    }

    @Test
    void setupWhilePendingReplacesTheSecretAndTheOldOneStopsWorking() {
        SetupStarted first = f.setup(ALICE);
        f.clock.advance(Duration.ofMinutes(2));
        SetupStarted second = f.setup(ALICE);

        assertNotEquals(first.secret(), second.secret());
        assertEquals(START.plus(Duration.ofMinutes(12)), second.expiresAt());
        Enrollment.Pending stored = f.storedPending(ALICE);
        assertEquals(2, stored.version());
        assertEquals(second.expiresAt(), stored.expiresAt());

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.confirm(ALICE, f.currentCode(first.secret()))));
        assertEquals(1, f.stored(ALICE).lockout().failedAttempts());

        assertDoesNotThrow(() -> f.confirm(ALICE, f.currentCode(second.secret())));
        assertEquals(EnrollmentStatus.ENABLED, f.stored(ALICE).status());
    }

    @Test
    void setupAfterAnExpiredSetupStartsAgain() {
        f.setup(ALICE);
        f.clock.advance(Duration.ofMinutes(11));

        SetupStarted again = f.setup(ALICE);

        assertEquals(EnrollmentStatus.PENDING, f.getStatus.status(ALICE).status());
        assertEquals(START.plus(Duration.ofMinutes(21)), again.expiresAt());
        assertDoesNotThrow(() -> f.confirm(ALICE, f.currentCode(again.secret())));
    }

    @Test
    void restartingSetupKeepsTheFailureCountAndARunningLock() {
        f.setup(ALICE);
        String secret = f.setup(ALICE).secret();
        for (int i = 0; i < 4; i++) {
            assertEquals(MfaRejection.Reason.INVALID_CODE,
                    rejection(() -> f.confirm(ALICE, f.wrongCode(secret))));
        }

        String restarted = f.setup(ALICE).secret();
        assertEquals(4, f.stored(ALICE).lockout().failedAttempts());

        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.confirm(ALICE, f.wrongCode(restarted))));
        assertEquals(Optional.of(START.plus(Duration.ofMinutes(5))), f.stored(ALICE).lockout().lockEnd());

        String duringLock = f.setup(ALICE).secret();
        assertEquals(Optional.of(START.plus(Duration.ofMinutes(5))), f.stored(ALICE).lockout().lockEnd());
        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS,
                rejection(() -> f.confirm(ALICE, f.currentCode(duringLock))));
    }

    @Test
    void setupWhileEnabledIsRefusedAndChangesNothing() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Enrollment before = f.stored(ALICE);

        assertEquals(MfaRejection.Reason.MFA_ALREADY_ENABLED, rejection(() -> f.setup(ALICE)));

        assertEquals(before, f.stored(ALICE));
        assertEquals(EnrollmentStatus.ENABLED, f.getStatus.status(ALICE).status());
        assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(enabled.secret())));
    }

    @Test
    void aFirstSetupIsOneWriteAndNoRead() {
        f.setup(ALICE);

        assertEquals(0, f.store.reads(), "nothing stored is what the write's condition requires");
        assertEquals(1, f.store.committedWrites());
    }

    @Test
    void restartingSetupDecidesOnWhatTheRefusedWriteFoundWithoutARead() {
        f.setup(ALICE);
        f.clock.advance(Duration.ofMinutes(1));

        SetupStarted again = f.setup(ALICE);

        assertEquals(0, f.store.reads());
        assertEquals(2, f.stored(ALICE).version(), "replaced the pending setup the refusal returned");
        assertDoesNotThrow(() -> f.confirm(ALICE, f.currentCode(again.secret())));
    }

    @Test
    void setupWhileEnabledIsRefusedOnWhatTheWriteFoundWithoutARead() {
        f.enable(ALICE);
        int readsBefore = f.store.reads();
        int writesBefore = f.store.committedWrites();

        assertEquals(MfaRejection.Reason.MFA_ALREADY_ENABLED, rejection(() -> f.setup(ALICE)));

        assertEquals(readsBefore, f.store.reads());
        assertEquals(writesBefore, f.store.committedWrites());
    }

    @Test
    void aRefusalThatSaysNothingIsDecidedAgainOnARead() {
        f.setup(ALICE);
        // A transaction conflict on another item of the write: no stored state comes back.
        f.store.failNextWrite(new ConcurrentUpdateException("transaction conflict"));

        SetupStarted again = f.setup(ALICE);

        assertEquals(1, f.store.reads());
        assertEquals(2, f.stored(ALICE).version());
        assertDoesNotThrow(() -> f.confirm(ALICE, f.currentCode(again.secret())));
    }

    @Test
    void aSetupThatLosesTwiceIsDecidedOnAReadAndKeepsTheLastWritersSecretOut() {
        f.setup(ALICE);
        // The first write is refused (a pending setup is stored); before the second, decided on
        // that refusal, another setup of the same user commits.
        AtomicReference<String> competing = new AtomicReference<>();
        f.store.beforeNextWrite(() -> f.store.beforeNextWrite(() -> competing.set(f.setup(ALICE).secret())));

        SetupStarted ours = f.setup(ALICE);

        assertEquals(1, f.store.reads(), "the second loss is decided on a read");
        assertEquals(3, f.stored(ALICE).version(), "first setup, the competing one, then ours");
        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.confirm(ALICE, f.currentCode(competing.get()))));
        assertDoesNotThrow(() -> f.confirm(ALICE, f.currentCode(ours.secret())));
    }

    @Test
    void setupWithAnAccountNameThatCannotBeInAKeyUriWritesNothing() {
        assertThrows(IllegalArgumentException.class, () -> f.startSetup.start(ORIGIN, ALICE, "a:b"));

        assertTrue(f.maybeStored(ALICE).isEmpty());
        assertEquals(0, f.store.committedWrites());
    }

    @Test
    void setupResultDoesNotPrintTheSecret() {
        SetupStarted started = f.setup(ALICE);

        assertFalse(started.toString().contains(started.secret()));
    }

    @Test
    void setupCodesFromTheReturnedSecretAreTheAppsCodes() {
        // Sanity of the fixture: the code an app computes from the returned secret is what confirm accepts.
        SetupStarted started = f.setup(ALICE);
        TotpCode code = f.currentCode(started.secret());

        assertEquals(1, f.confirm(ALICE, code).recoveryCodes().size());
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
