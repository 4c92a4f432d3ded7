package io.serverlessmfa.microbench;

import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.port.SecretEncryptor;

/**
 * KMS without its round trip: the "ciphertext" is the secret itself. What remains is what the core
 * does around the call (the defensive copies of {@link EncryptedSecret}).
 */
final class PassThroughCipher implements SecretEncryptor, SecretDecryptor {

    @Override
    public EncryptedSecret encrypt(String userId, byte[] secret) {
        return new EncryptedSecret(secret);
    }

    @Override
    public byte[] decrypt(String userId, EncryptedSecret secret) {
        return secret.ciphertext();
    }
}
