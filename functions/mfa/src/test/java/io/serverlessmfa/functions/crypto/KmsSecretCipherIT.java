package io.serverlessmfa.functions.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.port.SecretIntegrityException;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.TestUser;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.KmsException;

/** The KMS cipher against the emulator's KMS: the encryption context binds a secret to its user and key. */
class KmsSecretCipherIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AwsEmulator emulator;
    private KmsSecretCipher cipher;
    private TestUser user;
    private byte[] secret;

    @BeforeEach
    void setUp() {
        emulator = AwsEmulator.get();
        cipher = new KmsSecretCipher(emulator.kms(), emulator.keyId());
        user = TestUser.random();
        secret = new byte[20];
        RANDOM.nextBytes(secret);
    }

    @Test
    void secretRoundTripsForItsUser() {
        EncryptedSecret encrypted = cipher.encrypt(user.sub(), secret);

        assertArrayEquals(secret, cipher.decrypt(user.sub(), encrypted));
    }

    @Test
    void ciphertextDoesNotContainThePlaintext() {
        byte[] original = secret.clone();
        byte[] ciphertext = cipher.encrypt(user.sub(), secret).ciphertext();

        assertArrayEquals(original, secret, "encrypt leaves the caller's array alone");
        assertFalse(Arrays.equals(secret, ciphertext));
        assertTrue(ciphertext.length > secret.length, "authenticated ciphertext is longer than the secret");
        assertEquals(-1, RawItems.indexOf(ciphertext, secret), "the plaintext bytes appear nowhere in the ciphertext");
        assertEquals(-1, RawItems.indexOf(ciphertext, Arrays.copyOfRange(secret, 0, 8)), "not even a prefix");
    }

    @Test
    void encryptingTheSameSecretTwiceGivesDifferentCiphertexts() {
        assertNotEquals(cipher.encrypt(user.sub(), secret), cipher.encrypt(user.sub(), secret));
    }

    @Test
    void ciphertextDoesNotDecryptForAnotherUser() {
        EncryptedSecret encrypted = cipher.encrypt(user.sub(), secret);
        TestUser other = TestUser.random();

        assertThrows(SecretIntegrityException.class, () -> cipher.decrypt(other.sub(), encrypted));
    }

    @Test
    void ciphertextDoesNotDecryptForAUserIdThatMerelyExtendsTheOwner() {
        EncryptedSecret encrypted = cipher.encrypt(user.sub(), secret);

        assertThrows(SecretIntegrityException.class, () -> cipher.decrypt(user.sub() + "x", encrypted));
        assertThrows(SecretIntegrityException.class, () -> cipher.decrypt(user.sub().toUpperCase(), encrypted));
    }

    @Test
    void ciphertextWithoutThePurposeInItsContextDoesNotDecrypt() {
        byte[] ciphertext = emulator.kms().encrypt(request -> request.keyId(emulator.keyId())
                .plaintext(SdkBytes.fromByteArray(secret))
                .encryptionContext(Map.of(KmsSecretCipher.CONTEXT_USER, user.sub()))).ciphertextBlob().asByteArray();

        assertThrows(SecretIntegrityException.class, () -> cipher.decrypt(user.sub(), new EncryptedSecret(ciphertext)));
    }

    @Test
    void ciphertextUnderAnotherKeyIsRefusedNeverDecrypted() {
        String otherKey = emulator.kms().createKey(request -> request.description("another key")).keyMetadata().keyId();
        // The same user and purpose: only the key differs.
        byte[] foreign = emulator.kms().encrypt(request -> request.keyId(otherKey)
                .plaintext(SdkBytes.fromByteArray(secret))
                .encryptionContext(KmsSecretCipher.context(user.sub()))).ciphertextBlob().asByteArray();

        assertRefused(() -> cipher.decrypt(user.sub(), new EncryptedSecret(foreign)));

        KmsSecretCipher otherCipher = new KmsSecretCipher(emulator.kms(), otherKey);
        EncryptedSecret ours = cipher.encrypt(user.sub(), secret);
        assertRefused(() -> otherCipher.decrypt(user.sub(), ours));
    }

    @Test
    void tamperedCiphertextIsAnIntegrityFailure() {
        byte[] ciphertext = cipher.encrypt(user.sub(), secret).ciphertext();
        ciphertext[ciphertext.length - 1] ^= 0x01;

        assertThrows(SecretIntegrityException.class, () -> cipher.decrypt(user.sub(), new EncryptedSecret(ciphertext)));
    }

    /**
     * A ciphertext the cipher must not decrypt: a {@link SecretIntegrityException} or an SDK
     * refusal (real KMS says IncorrectKeyException, moto AccessDeniedException), but never the
     * plaintext, and never an "outage" that invites a retry.
     */
    private void assertRefused(ThrowingSupplier<byte[]> decrypt) {
        byte[] plaintext;
        try {
            plaintext = decrypt.get();
        } catch (SecretIntegrityException | KmsException refused) {
            return;
        } catch (DependencyUnavailableException outage) {
            fail("a foreign ciphertext is not a KMS outage", outage);
            return;
        } catch (Throwable other) {
            fail("unexpected failure " + other, other);
            return;
        }
        fail("decrypted a ciphertext made under another key" + (Arrays.equals(plaintext, secret) ? " to the plaintext" : ""));
    }
}
