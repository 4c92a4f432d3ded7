package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.BOB;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.port.SecretIntegrityException;
import io.serverlessmfa.core.secret.Base32;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The secret's ciphertext is bound to its user: copied into another record it fails closed. */
class SecretBindingTest {

    private final Fixture f = new Fixture();

    /** Bob's record with Alice's ciphertext in place of his own. */
    private Enrollment withAlicesCiphertext(Enrollment bob) {
        Authenticator alices = new Authenticator(f.stored(ALICE).authenticator().secret(),
                bob.authenticator().lastAcceptedStep());
        if (bob instanceof Enrollment.Pending pending) {
            return new Enrollment.Pending(bob.userId(), alices, pending.expiresAt(), bob.lockout(), bob.version());
        }
        Enrollment.Enabled enabled = (Enrollment.Enabled) bob;
        return new Enrollment.Enabled(bob.userId(), alices, enabled.enabledAt(), enabled.recoveryCodes(), bob.lockout(),
                bob.version());
    }

    @Test
    void aCiphertextCopiedToAnotherUserRaisesSecretIntegrityOnVerify() {
        Fixture.Enabled alice = f.enable(ALICE);
        f.enable(BOB);
        Enrollment tampered = withAlicesCiphertext(f.stored(BOB));
        f.store.put(tampered);

        assertThrows(SecretIntegrityException.class, () -> f.verify(BOB, f.currentCode(alice.secret())));

        assertEquals(tampered, f.stored(BOB), "fails closed: nothing accepted, nothing written");
        assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(alice.secret())), "Alice is unaffected");
    }

    @Test
    void aCiphertextCopiedIntoAPendingSetupRaisesSecretIntegrityOnConfirm() {
        Fixture.Enabled alice = f.enable(ALICE);
        f.setup(BOB);
        f.store.put(withAlicesCiphertext(f.stored(BOB)));

        assertThrows(SecretIntegrityException.class,
                () -> f.confirm(BOB, f.currentCode(alice.secret())));

        assertEquals(EnrollmentStatus.PENDING, f.stored(BOB).status());
    }

    @Test
    void aCiphertextCopiedToAnotherUserCannotRegenerateOrRemove() {
        Fixture.Enabled alice = f.enable(ALICE);
        f.enable(BOB);
        Enrollment tampered = withAlicesCiphertext(f.stored(BOB));
        f.store.put(tampered);

        assertThrows(SecretIntegrityException.class,
                () -> f.regenerateRecoveryCodes.regenerate(ORIGIN, BOB, f.currentCode(alice.secret())));
        assertThrows(SecretIntegrityException.class,
                () -> f.removeMfa.remove(ORIGIN, BOB, Optional.of(new SecondFactorProof.Totp(f.currentCode(alice.secret())))));

        assertEquals(tampered, f.stored(BOB));
    }

    @Test
    void theTestCipherRoundTripsForTheOwnerOnly() {
        byte[] secret = Base32.decode(f.setup(ALICE).secret());
        EncryptedSecret stored = f.stored(ALICE).authenticator().secret();

        assertArrayEquals(secret, f.cipher.decrypt(ALICE, stored));
        assertThrows(SecretIntegrityException.class, () -> f.cipher.decrypt(BOB, stored));
        assertThrows(SecretIntegrityException.class, () -> f.cipher.decrypt(ALICE, new EncryptedSecret(new byte[] {1, 2, 3})));
    }
}
