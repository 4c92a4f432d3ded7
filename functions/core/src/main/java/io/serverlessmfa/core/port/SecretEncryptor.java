package io.serverlessmfa.core.port;

/**
 * Encrypts a TOTP secret for one user. Implementations bind the ciphertext to the user (for KMS:
 * an encryption context with the user id and a purpose), so a ciphertext copied into another
 * user's record does not decrypt.
 */
public interface SecretEncryptor {

    /**
     * @throws DependencyUnavailableException when the key service cannot be reached or throttles
     */
    EncryptedSecret encrypt(String userId, byte[] secret);
}
