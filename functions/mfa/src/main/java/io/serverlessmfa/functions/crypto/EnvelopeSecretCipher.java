package io.serverlessmfa.functions.crypto;

import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.port.SecretEncryptor;
import io.serverlessmfa.core.port.SecretIntegrityException;
import io.serverlessmfa.functions.aws.AwsFailures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * TOTP secrets under envelope encryption with cached data keys: the cost lever of a verification,
 * whose KMS Decrypt would otherwise be most of its price (docs/performance.md). Modelled on the AWS
 * Encryption SDK's caching cryptographic materials manager: KMS hands out an AES-256 data key
 * (GenerateDataKey), the secret is sealed locally with AES-GCM, and the data key, wrapped by KMS,
 * travels inside the stored ciphertext. A container reuses a data key within {@link DataKeyCaching}'s
 * bounds of age and uses, so most secrets cost no KMS call at all.
 *
 * <p>What still holds: the table alone never yields a secret (the data key is wrapped by the KMS
 * key, so an insider or a stolen dump without KMS access has nothing); a ciphertext copied into
 * another user's item does not open, because the user id is the GCM additional authenticated data
 * (NIST SP 800-38D §7), checked with the tag; setup (GenerateDataKey) never needs kms:Decrypt and
 * the verifying functions never need GenerateDataKey. What changes: CloudTrail records a Decrypt
 * per data key, not per user, and a revoked KMS key stops working in warm containers only after
 * {@link DataKeyCaching#maxAge()}. Secrets stored by the direct-KMS scheme ({@link KmsSecretCipher})
 * still decrypt, and with caching off every secret is encrypted that way.
 *
 * <p>Stored form: {@code "SMFA" | version 1 | wrapped key length (2 bytes) | wrapped key |
 * 12-byte nonce | AES-GCM ciphertext and 16-byte tag}. A random 96-bit nonce per secret keeps a
 * data key far inside SP 800-38D §8.3's limit of 2^32 invocations: at most {@code maxUses}.
 * Thread-safe.
 */
public final class EnvelopeSecretCipher implements SecretEncryptor, SecretDecryptor {

    static final byte[] MAGIC = "SMFA".getBytes(StandardCharsets.US_ASCII);
    static final byte VERSION = 1;
    static final String CONTEXT_PURPOSE = "purpose";
    static final String DATA_KEY_PURPOSE = "mfa-totp-data-key";
    private static final byte[] AAD_PREFIX = "serverless-mfa/totp-secret/v1/".getBytes(StandardCharsets.UTF_8);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final KmsClient kms;
    private final String keyId;
    private final DataKeyCaching caching;
    private final Clock clock;
    private final SecureRandom random;
    private final KmsSecretCipher direct;
    /** The data key new secrets are sealed with; guarded by {@code this}. */
    private DataKey encrypting;
    /** Unwrapped data keys by their wrapped form, least recently used first; guarded by {@code this}. */
    private final LinkedHashMap<ByteBuffer, DataKey> decrypting;

    public EnvelopeSecretCipher(KmsClient kms, String keyId, DataKeyCaching caching, Clock clock, SecureRandom random) {
        this.kms = kms;
        this.keyId = keyId;
        this.caching = caching;
        this.clock = clock;
        this.random = random;
        this.direct = new KmsSecretCipher(kms, keyId);
        this.decrypting = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, DataKey> eldest) {
                return size() > caching.maxEntries();
            }
        };
    }

    @Override
    public EncryptedSecret encrypt(String userId, byte[] secret) {
        if (!caching.enabled()) {
            return direct.encrypt(userId, secret);
        }
        DataKey key = encryptingKey();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, key.key(), nonce, userId, secret);
        byte[] wrapped = key.wrapped();
        return new EncryptedSecret(ByteBuffer.allocate(MAGIC.length + 1 + 2 + wrapped.length + NONCE_BYTES + sealed.length)
                .put(MAGIC).put(VERSION).putShort((short) wrapped.length).put(wrapped).put(nonce).put(sealed).array());
    }

    @Override
    public byte[] decrypt(String userId, EncryptedSecret secret) {
        byte[] stored = secret.ciphertext();
        if (!isEnvelope(stored)) {
            return direct.decrypt(userId, secret);
        }
        ByteBuffer in = ByteBuffer.wrap(stored, MAGIC.length, stored.length - MAGIC.length);
        if (in.get() != VERSION || in.remaining() < 2) {
            throw new SecretIntegrityException("stored secret has an unknown envelope version", null);
        }
        int wrappedLength = Short.toUnsignedInt(in.getShort());
        if (wrappedLength == 0 || in.remaining() < wrappedLength + NONCE_BYTES + TAG_BITS / 8) {
            throw new SecretIntegrityException("stored secret envelope is truncated", null);
        }
        byte[] wrapped = new byte[wrappedLength];
        byte[] nonce = new byte[NONCE_BYTES];
        in.get(wrapped).get(nonce);
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        return gcm(Cipher.DECRYPT_MODE, decryptingKey(wrapped), nonce, userId, sealed);
    }

    /**
     * Drops every cached data key. After a SnapStart restore: one snapshot is restored into many
     * containers, and each must neither share the snapshot's data key (its use count would be
     * counted once per container) nor keep a plaintext key taken before the snapshot.
     */
    public synchronized void forgetDataKeys() {
        encrypting = null;
        decrypting.clear();
    }

    static boolean isEnvelope(byte[] stored) {
        return stored.length > MAGIC.length && Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    private synchronized DataKey encryptingKey() {
        Instant now = clock.instant();
        if (encrypting == null || encrypting.expired(now) || encrypting.uses() >= caching.maxUses()) {
            encrypting = generate(now);
        }
        encrypting = encrypting.used();
        return encrypting;
    }

    private synchronized SecretKey decryptingKey(byte[] wrapped) {
        Instant now = clock.instant();
        ByteBuffer id = ByteBuffer.wrap(wrapped);
        DataKey cached = caching.enabled() ? decrypting.get(id) : null;
        if (cached != null && !cached.expired(now)) {
            return cached.key();
        }
        DataKey unwrapped = unwrap(wrapped, now);
        if (caching.enabled()) {
            decrypting.put(id, unwrapped);
        }
        return unwrapped.key();
    }

    private DataKey generate(Instant now) {
        try {
            GenerateDataKeyResponse generated = kms.generateDataKey(request -> request.keyId(keyId)
                    .keySpec(DataKeySpec.AES_256).encryptionContext(context()));
            return DataKey.of(generated.plaintext().asByteArray(), generated.ciphertextBlob().asByteArray(),
                    now.plus(caching.maxAge()));
        } catch (SdkException failure) {
            throw AwsFailures.kms("KMS GenerateDataKey", failure);
        }
    }

    private DataKey unwrap(byte[] wrapped, Instant now) {
        try {
            // Naming the key makes KMS refuse a data key wrapped under any other key.
            byte[] plaintext = kms.decrypt(request -> request.keyId(keyId)
                    .ciphertextBlob(SdkBytes.fromByteArray(wrapped)).encryptionContext(context()))
                    .plaintext().asByteArray();
            return DataKey.of(plaintext, wrapped, now.plus(caching.maxAge()));
        } catch (InvalidCiphertextException | IncorrectKeyException foreign) {
            throw new SecretIntegrityException("stored data key does not decrypt under this KMS key", foreign);
        } catch (SdkException failure) {
            throw AwsFailures.kms("KMS Decrypt", failure);
        }
    }

    /** AES-GCM with the user id as additional authenticated data: a secret opens only for its user. */
    private static byte[] gcm(int mode, SecretKey key, byte[] nonce, String userId, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(ByteBuffer.allocate(AAD_PREFIX.length + userId.length() * 3).put(AAD_PREFIX)
                    .put(userId.getBytes(StandardCharsets.UTF_8)).flip());
            return cipher.doFinal(input);
        } catch (AEADBadTagException foreign) {
            throw new SecretIntegrityException("stored secret does not decrypt for this user", foreign);
        } catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", unavailable);
        }
    }

    private static Map<String, String> context() {
        return Map.of(CONTEXT_PURPOSE, DATA_KEY_PURPOSE);
    }

    /** A plaintext data key with its wrapped form, when it stops being used, and how often it sealed. */
    private record DataKey(SecretKey key, byte[] wrapped, Instant expiresAt, long uses) {

        static DataKey of(byte[] plaintext, byte[] wrapped, Instant expiresAt) {
            try {
                return new DataKey(new SecretKeySpec(plaintext, "AES"), wrapped, expiresAt, 0);
            } finally {
                Arrays.fill(plaintext, (byte) 0); // SecretKeySpec keeps its own copy
            }
        }

        boolean expired(Instant now) {
            return !now.isBefore(expiresAt);
        }

        DataKey used() {
            return new DataKey(key, wrapped, expiresAt, uses + 1);
        }
    }
}
