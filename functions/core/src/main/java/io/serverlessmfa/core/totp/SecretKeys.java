package io.serverlessmfa.core.totp;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds JCA keys from raw TOTP secrets.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class SecretKeys {

    private SecretKeys() {
    }

    /**
     * Wraps a shared secret as a key for the given HMAC.
     *
     * <p>The returned key holds its own copy of the bytes, so the caller can (and should) wipe
     * {@code secret} afterwards. RFC 4226 §4 R6 requires at least 128 bits and recommends 160;
     * secrets created by this service are 160 bits, but shorter imported secrets are not refused
     * here.
     *
     * @param secret    the raw secret, not empty
     * @param algorithm the HMAC the key is used with
     * @return a {@link SecretKeySpec} named {@link HmacAlgorithm#macName()}
     * @throws IllegalArgumentException if the secret is null or empty or the algorithm is null
     */
    public static SecretKey forTotp(byte[] secret, HmacAlgorithm algorithm) {
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("TOTP secret must not be empty");
        }
        if (algorithm == null) {
            throw new IllegalArgumentException("HMAC algorithm is required");
        }
        return new SecretKeySpec(secret, algorithm.macName());
    }
}
