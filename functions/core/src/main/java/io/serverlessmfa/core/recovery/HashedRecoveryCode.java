package io.serverlessmfa.core.recovery;

import java.util.Arrays;

/**
 * The stored form of a recovery code: a salt and the keyed hash {@link RecoveryCodeHasher} made of
 * it, the code and the user id (NIST SP 800-63B §5.1.2.2).
 *
 * <p>Arrays are copied on the way in and out, so an instance is immutable despite holding byte
 * arrays; equality is by content.
 *
 * <p>Thread-safety: immutable, safe to share between threads.
 *
 * @param salt the 16-byte random salt
 * @param hash the 32-byte HMAC-SHA-256
 */
public record HashedRecoveryCode(byte[] salt, byte[] hash) {

    /** Salt length in bytes. */
    public static final int SALT_BYTES = 16;
    /** HMAC-SHA-256 (and SHA-256) output length in bytes. */
    public static final int HASH_BYTES = 32;

    /** Validates lengths and takes private copies. */
    public HashedRecoveryCode {
        if (salt == null || salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("recovery code salt must be " + SALT_BYTES + " bytes");
        }
        if (hash == null || hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("recovery code hash must be " + HASH_BYTES + " bytes");
        }
        salt = salt.clone();
        hash = hash.clone();
    }

    /**
     * @return a copy of the salt
     */
    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /**
     * @return a copy of the hash
     */
    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HashedRecoveryCode that
                && Arrays.equals(salt, that.salt)
                && Arrays.equals(hash, that.hash);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(salt) + Arrays.hashCode(hash);
    }

    /** Without the bytes: logs are no place for a credential's hash. */
    @Override
    public String toString() {
        return "HashedRecoveryCode[redacted]";
    }
}
