package io.serverlessmfa.functions.crypto;

import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.port.SecretEncryptor;
import io.serverlessmfa.core.port.SecretIntegrityException;
import io.serverlessmfa.functions.aws.AwsFailures;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * TOTP secrets encrypted directly under a KMS key (a 20-byte secret is far below KMS's 4 KiB
 * limit, so no data key is needed). The encryption context binds each ciphertext to its user and
 * purpose: KMS refuses to decrypt it for any other user, and CloudTrail records whose secret was
 * decrypted. Thread-safe.
 */
public final class KmsSecretCipher implements SecretEncryptor, SecretDecryptor {

    static final String CONTEXT_USER = "userId";
    static final String CONTEXT_PURPOSE = "purpose";
    static final String PURPOSE = "mfa-totp-secret";

    private final KmsClient kms;
    private final String keyId;

    public KmsSecretCipher(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public EncryptedSecret encrypt(String userId, byte[] secret) {
        try {
            return new EncryptedSecret(kms.encrypt(request -> request.keyId(keyId)
                    .plaintext(SdkBytes.fromByteArray(secret))
                    .encryptionContext(context(userId))).ciphertextBlob().asByteArray());
        } catch (SdkException failure) {
            throw AwsFailures.kms("KMS Encrypt", failure);
        }
    }

    @Override
    public byte[] decrypt(String userId, EncryptedSecret secret) {
        try {
            // Naming the key makes KMS refuse a ciphertext made under any other key.
            return kms.decrypt(request -> request.keyId(keyId)
                    .ciphertextBlob(SdkBytes.fromByteArray(secret.ciphertext()))
                    .encryptionContext(context(userId))).plaintext().asByteArray();
        } catch (InvalidCiphertextException | IncorrectKeyException foreign) {
            throw new SecretIntegrityException("stored secret does not decrypt for this user", foreign);
        } catch (SdkException failure) {
            throw AwsFailures.kms("KMS Decrypt", failure);
        }
    }

    static Map<String, String> context(String userId) {
        return Map.of(CONTEXT_USER, userId, CONTEXT_PURPOSE, PURPOSE);
    }
}
