package io.serverlessmfa.core.secret;

import java.security.SecureRandom;

/**
 * Creates new TOTP shared secrets.
 *
 * <p>Thread-safety: thread-safe, because {@link SecureRandom} is thread-safe and this class holds
 * no other state.
 */
public final class TotpSecretGenerator {

    /**
     * Secret length in bytes: 160 bits. RFC 4226 §4 R6 requires at least 128 bits and recommends
     * 160, which is also the HMAC-SHA-1 output size (RFC 2104 §3 advises keys of at least L bytes).
     */
    public static final int SECRET_BYTES = 20;

    private final SecureRandom random;

    /**
     * @param random the entropy source; injected so tests can prove it is used and production can
     *               choose the instance
     * @throws IllegalArgumentException if random is null
     */
    public TotpSecretGenerator(SecureRandom random) {
        if (random == null) {
            throw new IllegalArgumentException("SecureRandom is required");
        }
        this.random = random;
    }

    /**
     * @return a fresh {@value #SECRET_BYTES}-byte secret; the caller owns (and should wipe) it
     */
    public byte[] generate() {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        return secret;
    }
}
