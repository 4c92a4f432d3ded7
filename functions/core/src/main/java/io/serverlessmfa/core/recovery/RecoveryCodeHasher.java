package io.serverlessmfa.core.recovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.OptionalInt;

/**
 * Hashes and verifies recovery codes, NIST SP 800-63B §5.1.2.2.
 *
 * <p>Because a {@link RecoveryCode} has 120 bits of entropy (≥ 112), a single salted SHA-256 is
 * sufficient; a slow key derivation function is only required for look-up secrets below 112
 * bits. SP 800-63B §5.1.1.2 asks for a salt of at least 32 bits; 128 bits are used.
 *
 * <p>Thread-safety: thread-safe. {@link MessageDigest} is not, so one is created per call;
 * {@link SecureRandom} is thread-safe.
 */
public final class RecoveryCodeHasher {

    /** Salt length in bytes (128 bits). */
    public static final int SALT_BYTES = HashedRecoveryCode.SALT_BYTES;

    private final SecureRandom random;

    /**
     * @param random the salt source
     * @throws IllegalArgumentException if random is null
     */
    public RecoveryCodeHasher(SecureRandom random) {
        if (random == null) {
            throw new IllegalArgumentException("SecureRandom is required");
        }
        this.random = random;
        // Fail at construction, not at the first confirmation, on a runtime without SHA-256.
        newDigest();
    }

    /**
     * Hashes a code with a fresh salt.
     *
     * @param code the code to store
     * @return salt and SHA-256(salt || UTF-8(code))
     * @throws IllegalArgumentException if code is null
     */
    public HashedRecoveryCode hash(RecoveryCode code) {
        if (code == null) {
            throw new IllegalArgumentException("recovery code is required");
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new HashedRecoveryCode(salt, digest(salt, code));
    }

    /**
     * Checks a code against one stored hash in constant time.
     *
     * @param code   the submitted code
     * @param stored the stored hash
     * @return true if the code is the one that was hashed
     * @throws IllegalArgumentException if an argument is null
     */
    public boolean matches(RecoveryCode code, HashedRecoveryCode stored) {
        if (code == null || stored == null) {
            throw new IllegalArgumentException("recovery code and stored hash are required");
        }
        return MessageDigest.isEqual(digest(stored.salt(), code), stored.hash());
    }

    /**
     * Finds the stored hash a code belongs to. Every entry is checked, with no early exit, so the
     * response time does not reveal the position of the match.
     *
     * @param code   the submitted code
     * @param stored the user's unused recovery code hashes
     * @return the index of the first matching entry, or empty
     * @throws IllegalArgumentException if an argument or an entry is null
     */
    public OptionalInt findMatch(RecoveryCode code, List<HashedRecoveryCode> stored) {
        if (code == null || stored == null) {
            throw new IllegalArgumentException("recovery code and stored hashes are required");
        }
        int found = -1;
        for (int i = 0; i < stored.size(); i++) {
            boolean match = matches(code, stored.get(i));
            if (match && found < 0) {
                found = i;
            }
        }
        return found < 0 ? OptionalInt.empty() : OptionalInt.of(found);
    }

    private static byte[] digest(byte[] salt, RecoveryCode code) {
        MessageDigest digest = newDigest();
        digest.update(salt);
        digest.update(code.value().getBytes(StandardCharsets.UTF_8));
        return digest.digest();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // SHA-256 is required of every Java SE implementation (MessageDigest Javadoc).
            throw new IllegalStateException("SHA-256 is not available in this runtime", e);
        }
    }
}
