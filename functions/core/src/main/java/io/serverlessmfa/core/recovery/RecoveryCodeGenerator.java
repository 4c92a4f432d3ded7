package io.serverlessmfa.core.recovery;

import io.serverlessmfa.core.secret.Base32;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Creates recovery codes.
 *
 * <p>15 random bytes are Base32-encoded: 15 × 8 = 120 bits = 24 × 5 bits, so the encoding has no
 * partial group and every character is uniform over the 32-letter alphabet (no modulo bias).
 * SP 800-63B §5.1.2.1 requires look-up secrets to come from an approved random bit generator,
 * hence the injected {@link SecureRandom}.
 *
 * <p>Thread-safety: thread-safe, because {@link SecureRandom} is thread-safe and this class holds
 * no other state.
 */
public final class RecoveryCodeGenerator {

    private static final int RANDOM_BYTES = 15;

    private final SecureRandom random;

    /**
     * @param random the entropy source
     * @throws IllegalArgumentException if random is null
     */
    public RecoveryCodeGenerator(SecureRandom random) {
        if (random == null) {
            throw new IllegalArgumentException("SecureRandom is required");
        }
        this.random = random;
    }

    /**
     * @return a fresh code with 120 bits of entropy
     */
    public RecoveryCode generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        try {
            return new RecoveryCode(Base32.encode(bytes));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
