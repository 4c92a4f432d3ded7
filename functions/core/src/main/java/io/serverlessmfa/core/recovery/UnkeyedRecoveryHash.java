package io.serverlessmfa.core.recovery;

import java.util.Arrays;

/**
 * A recovery code as releases before keyed hashes stored it: SHA-256(salt || UTF-8(code)), with
 * no key. Anyone who can write the table can make one, so it is never checked against a code: the
 * one-time upgrade wraps it into a {@link HashedRecoveryCode} ({@link RecoveryCodeHasher#wrap}),
 * after which only the wrapped form counts.
 *
 * <p>Thread-safety: immutable (arrays copied in and out).
 *
 * @param salt the 16-byte salt
 * @param hash the 32-byte SHA-256 digest
 */
public record UnkeyedRecoveryHash(byte[] salt, byte[] hash) {

    public UnkeyedRecoveryHash {
        if (salt == null || salt.length != HashedRecoveryCode.SALT_BYTES) {
            throw new IllegalArgumentException("recovery code salt must be " + HashedRecoveryCode.SALT_BYTES + " bytes");
        }
        if (hash == null || hash.length != HashedRecoveryCode.HASH_BYTES) {
            throw new IllegalArgumentException("unkeyed recovery code hash must be " + HashedRecoveryCode.HASH_BYTES + " bytes");
        }
        salt = salt.clone();
        hash = hash.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UnkeyedRecoveryHash that && Arrays.equals(salt, that.salt) && Arrays.equals(hash, that.hash);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(salt) + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "UnkeyedRecoveryHash[redacted]";
    }
}
