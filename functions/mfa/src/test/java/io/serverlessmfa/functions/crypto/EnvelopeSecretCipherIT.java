package io.serverlessmfa.functions.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.port.SecretIntegrityException;
import io.serverlessmfa.functions.testing.AwsCallCounter;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.TestUser;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Envelope encryption with cached data keys against the emulator's KMS: fewer KMS calls, the same
 * guarantees (a secret opens only for its user and only through the KMS key).
 */
class EnvelopeSecretCipherIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DataKeyCaching SMALL = new DataKeyCaching(Duration.ofMinutes(15), 50, 2);

    private final AwsEmulator emulator = AwsEmulator.get();
    private final AwsCallCounter counter = new AwsCallCounter();
    private final MutableClock clock = MutableClock.atStepStart();
    private KmsClient kms;

    @BeforeEach
    void countedClient() {
        kms = KmsClient.builder().region(Region.of(AwsEmulator.REGION)).endpointOverride(emulator.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override -> override.addExecutionInterceptor(counter)).build();
    }

    @AfterEach
    void close() {
        kms.close();
    }

    private EnvelopeSecretCipher cipher(DataKeyCaching caching) {
        return new EnvelopeSecretCipher(kms, emulator.keyId(), caching, clock, RANDOM);
    }

    /** The KMS-wrapped data key inside a stored envelope. */
    private static byte[] wrappedKey(byte[] stored) {
        int start = EnvelopeSecretCipher.MAGIC.length + 3;
        int length = ((stored[start - 2] & 0xff) << 8) | (stored[start - 1] & 0xff);
        return java.util.Arrays.copyOfRange(stored, start, start + length);
    }

    private static byte[] secret() {
        byte[] secret = new byte[20];
        RANDOM.nextBytes(secret);
        return secret;
    }

    @Test
    void secretRoundTripsForItsUserAcrossContainers() {
        String user = TestUser.random().sub();
        byte[] secret = secret();

        EncryptedSecret sealed = cipher(DataKeyCaching.DEFAULT).encrypt(user, secret);

        assertTrue(EnvelopeSecretCipher.isEnvelope(sealed.ciphertext()));
        assertEquals(-1, RawItems.indexOf(sealed.ciphertext(), secret), "the plaintext appears nowhere in what is stored");
        assertArrayEquals(secret, cipher(DataKeyCaching.DEFAULT).decrypt(user, sealed), "another container opens it");
    }

    @Test
    void oneDataKeySealsManySecretsAndOneUnwrapOpensThem() {
        EnvelopeSecretCipher setupContainer = cipher(DataKeyCaching.DEFAULT);
        List<String> users = new ArrayList<>();
        List<byte[]> secrets = new ArrayList<>();
        List<EncryptedSecret> sealed = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            users.add(TestUser.random().sub());
            secrets.add(secret());
            sealed.add(setupContainer.encrypt(users.get(i), secrets.get(i)));
        }
        assertEquals(List.of("Kms GenerateDataKey"), counter.calls(), "40 secrets, one KMS call");

        counter.reset();
        EnvelopeSecretCipher verifyContainer = cipher(DataKeyCaching.DEFAULT);
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(secrets.get(i), verifyContainer.decrypt(users.get(i), sealed.get(i)));
        }
        assertEquals(List.of("Kms Decrypt"), counter.calls(), "40 secrets opened, one KMS call");
    }

    @Test
    void sameSecretTwiceGivesDifferentCiphertexts() {
        EnvelopeSecretCipher cipher = cipher(DataKeyCaching.DEFAULT);
        String user = TestUser.random().sub();
        byte[] secret = secret();

        assertNotEquals(cipher.encrypt(user, secret), cipher.encrypt(user, secret), "a fresh nonce per secret");
    }

    @Test
    void ciphertextCopiedToAnotherUserDoesNotOpen() {
        EnvelopeSecretCipher cipher = cipher(DataKeyCaching.DEFAULT);
        String owner = TestUser.random().sub();
        EncryptedSecret sealed = cipher.encrypt(owner, secret());

        assertThrows(SecretIntegrityException.class, () -> cipher.decrypt(TestUser.random().sub(), sealed));
        assertThrows(SecretIntegrityException.class, () -> cipher.decrypt(owner + "x", sealed),
                "a user id that merely extends the owner's");
    }

    @Test
    void anyFlippedBitIsAnIntegrityFailure() {
        EnvelopeSecretCipher cipher = cipher(DataKeyCaching.DEFAULT);
        String user = TestUser.random().sub();
        byte[] stored = cipher.encrypt(user, secret()).ciphertext();
        int wrappedEnd = EnvelopeSecretCipher.MAGIC.length + 3 + wrappedKey(stored).length;
        // The nonce, the sealed secret and the tag: the local GCM check refuses them.
        for (int position = wrappedEnd; position < stored.length; position++) {
            byte[] tampered = stored.clone();
            tampered[position] ^= 0x01;
            assertThrows(SecretIntegrityException.class, () -> cipher.decrypt(user, new EncryptedSecret(tampered)),
                    "flipped byte " + position);
        }
        // The wrapped data key: KMS refuses it (moto says InvalidCiphertext or AccessDenied).
        byte[] badKey = stored.clone();
        badKey[wrappedEnd - 1] ^= 0x01;
        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> cipher(DataKeyCaching.DEFAULT).decrypt(user, new EncryptedSecret(badKey)));
        assertTrue(refused instanceof SecretIntegrityException || refused instanceof KmsException, refused.toString());
    }

    @Test
    void truncatedOrUnknownEnvelopesAreIntegrityFailures() {
        EnvelopeSecretCipher cipher = cipher(DataKeyCaching.DEFAULT);
        String user = TestUser.random().sub();
        byte[] stored = cipher.encrypt(user, secret()).ciphertext();
        for (int length : new int[] {5, 7, 40, stored.length - 1}) {
            byte[] truncated = java.util.Arrays.copyOf(stored, length);
            assertThrows(SecretIntegrityException.class, () -> cipher.decrypt(user, new EncryptedSecret(truncated)),
                    "truncated to " + length);
        }
        byte[] future = stored.clone();
        future[EnvelopeSecretCipher.MAGIC.length] = 9;
        assertThrows(SecretIntegrityException.class, () -> cipher.decrypt(user, new EncryptedSecret(future)));
    }

    @Test
    void aDataKeyIsRenewedAfterItsMaxAge() {
        EnvelopeSecretCipher cipher = cipher(DataKeyCaching.DEFAULT);
        cipher.encrypt(TestUser.random().sub(), secret());
        clock.advance(DataKeyCaching.DEFAULT.maxAge().minusSeconds(1));
        cipher.encrypt(TestUser.random().sub(), secret());
        assertEquals(1, counter.count("GenerateDataKey"), "still inside its age");

        clock.advance(Duration.ofSeconds(1));
        cipher.encrypt(TestUser.random().sub(), secret());
        assertEquals(2, counter.count("GenerateDataKey"), "renewed at its max age");
    }

    @Test
    void anUnwrappedKeyIsForgottenAfterItsMaxAge() {
        String user = TestUser.random().sub();
        byte[] secret = secret();
        EncryptedSecret sealed = cipher(DataKeyCaching.DEFAULT).encrypt(user, secret);
        EnvelopeSecretCipher verifier = cipher(DataKeyCaching.DEFAULT);
        counter.reset();

        verifier.decrypt(user, sealed);
        clock.advance(DataKeyCaching.DEFAULT.maxAge());
        assertArrayEquals(secret, verifier.decrypt(user, sealed));

        assertEquals(2, counter.count("Decrypt"), "a revoked KMS key stops working within the max age");
    }

    @Test
    void aDataKeyIsRenewedAfterItsMaxUses() {
        EnvelopeSecretCipher cipher = cipher(SMALL);
        for (int i = 0; i < SMALL.maxUses() + 1; i++) {
            cipher.encrypt(TestUser.random().sub(), secret());
        }
        assertEquals(2, counter.count("GenerateDataKey"), SMALL.maxUses() + 1 + " secrets under a limit of " + SMALL.maxUses());
    }

    @Test
    void theLeastRecentlyUsedKeyLeavesAFullCache() {
        String user = TestUser.random().sub();
        byte[] secret = secret();
        List<EncryptedSecret> underThreeKeys = List.of(cipher(SMALL).encrypt(user, secret),
                cipher(SMALL).encrypt(user, secret), cipher(SMALL).encrypt(user, secret));
        EnvelopeSecretCipher verifier = cipher(SMALL);
        counter.reset();

        underThreeKeys.forEach(sealed -> verifier.decrypt(user, sealed));
        verifier.decrypt(user, underThreeKeys.get(2));
        assertEquals(3, counter.count("Decrypt"), "the newest of two entries is still cached");
        verifier.decrypt(user, underThreeKeys.get(0));
        assertEquals(4, counter.count("Decrypt"), "the oldest was evicted");
    }

    @Test
    void forgottenDataKeysAreAskedForAgain() {
        EnvelopeSecretCipher cipher = cipher(DataKeyCaching.DEFAULT);
        String user = TestUser.random().sub();
        EncryptedSecret sealed = cipher.encrypt(user, secret());
        cipher.decrypt(user, sealed);

        cipher.forgetDataKeys();
        EncryptedSecret after = cipher.encrypt(user, secret());
        cipher.decrypt(user, sealed);

        assertEquals(List.of("Kms GenerateDataKey", "Kms Decrypt", "Kms GenerateDataKey", "Kms Decrypt"), counter.calls());
        assertFalse(java.util.Arrays.equals(wrappedKey(sealed.ciphertext()), wrappedKey(after.ciphertext())),
                "sealed under a new data key");
    }

    @Test
    void secretsStoredByTheDirectKmsSchemeStillOpen() {
        String user = TestUser.random().sub();
        byte[] secret = secret();
        EncryptedSecret legacy = new KmsSecretCipher(kms, emulator.keyId()).encrypt(user, secret);

        assertFalse(EnvelopeSecretCipher.isEnvelope(legacy.ciphertext()));
        assertArrayEquals(secret, cipher(DataKeyCaching.DEFAULT).decrypt(user, legacy));
        assertThrows(SecretIntegrityException.class, () -> cipher(DataKeyCaching.DEFAULT)
                .decrypt(TestUser.random().sub(), legacy), "still bound to its user by the encryption context");
    }

    @Test
    void withCachingOffEverySecretIsItsOwnKmsCall() {
        EnvelopeSecretCipher cipher = cipher(DataKeyCaching.OFF);
        String user = TestUser.random().sub();
        byte[] secret = secret();
        EncryptedSecret first = cipher.encrypt(user, secret);
        cipher.encrypt(user, secret);
        cipher.decrypt(user, first);
        cipher.decrypt(user, first);

        assertFalse(EnvelopeSecretCipher.isEnvelope(first.ciphertext()));
        assertEquals(List.of("Kms Encrypt", "Kms Encrypt", "Kms Decrypt", "Kms Decrypt"), counter.calls());
    }

    @Test
    void aDataKeyWrappedUnderAnotherKmsKeyIsRefused() {
        String otherKey = emulator.kms().createKey(request -> request.description("another key")).keyMetadata().keyId();
        String user = TestUser.random().sub();
        EncryptedSecret foreign = new EnvelopeSecretCipher(kms, otherKey, DataKeyCaching.DEFAULT, clock, RANDOM)
                .encrypt(user, secret());

        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> cipher(DataKeyCaching.DEFAULT).decrypt(user, foreign));
        assertTrue(refused instanceof SecretIntegrityException || refused instanceof KmsException, refused.toString());
    }
}
