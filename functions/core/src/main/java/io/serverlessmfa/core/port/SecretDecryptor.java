package io.serverlessmfa.core.port;

/** Decrypts a TOTP secret that {@link SecretEncryptor} encrypted for the same user. */
public interface SecretDecryptor {

    /**
     * @return the plaintext secret; the caller wipes it after use
     * @throws DependencyUnavailableException when the key service cannot be reached or throttles
     * @throws SecretIntegrityException when the ciphertext does not belong to this user
     */
    byte[] decrypt(String userId, EncryptedSecret secret);
}
