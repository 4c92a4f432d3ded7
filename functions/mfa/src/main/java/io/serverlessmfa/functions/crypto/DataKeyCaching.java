package io.serverlessmfa.functions.crypto;

import java.time.Duration;

/**
 * The bounds on cached data keys, in the terms of the AWS Encryption SDK's caching cryptographic
 * materials manager: how long a plaintext data key may live in a container's memory, how many
 * secrets one data key may encrypt, and how many data keys a container keeps for decryption.
 *
 * @param maxAge        a data key is used (to encrypt or decrypt) for at most this long after KMS
 *                      gave it out; also the longest a disabled or revoked KMS key still works in
 *                      a warm container. Zero turns caching off: every secret is its own KMS call.
 * @param maxUses       how many secrets one data key encrypts before a new one is asked for
 * @param maxEntries    how many decrypted data keys one container keeps (least recently used out)
 */
public record DataKeyCaching(Duration maxAge, long maxUses, int maxEntries) {

    /**
     * 15 minutes, 10,000 secrets per key, 10,000 keys (about 3 MB): enough entries for every data key
     * of 10 million users, so the age bound, not eviction, decides the hit rate (docs/performance.md).
     */
    public static final DataKeyCaching DEFAULT = new DataKeyCaching(Duration.ofMinutes(15), 10_000, 10_000);
    /** No caching: KMS Encrypt and Decrypt for every secret, bound to its user by the encryption context. */
    public static final DataKeyCaching OFF = new DataKeyCaching(Duration.ZERO, 0, 0);

    public DataKeyCaching {
        if (maxAge.isNegative() || maxUses < 0 || maxEntries < 0) {
            throw new IllegalArgumentException("data key cache bounds must not be negative");
        }
        if (!maxAge.isZero() && (maxUses == 0 || maxEntries == 0)) {
            throw new IllegalArgumentException("a data key cache needs at least one use and one entry");
        }
    }

    public boolean enabled() {
        return !maxAge.isZero();
    }
}
