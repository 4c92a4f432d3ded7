package io.serverlessmfa.core.recovery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.OptionalInt;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * Hashes and verifies recovery codes (NIST SP 800-63B §5.1.2.2), keyed and bound to the user:
 *
 * <pre>
 *   inner  = SHA-256(salt || UTF-8(code))
 *   stored = HMAC-SHA-256(key, "serverless-mfa recovery code v1" || 0x00 || uint32 length || UTF-8(userId) || inner)
 * </pre>
 *
 * <p>Why keyed: a salted SHA-256 can be computed by anyone who can write the table, who could then
 * add a hash of a code of their choice and sign in with it. The key ({@link RecoveryCodeKey}) is
 * not in the table (SP 800-63B §5.1.1.2: a secret salt "stored separately from the hashed
 * secrets"), so a planted hash matches nothing. Why the user id: a hash copied to another user's
 * item matches nothing there either. Why the inner SHA-256: the hash an earlier release stored is
 * exactly {@code inner}, so the upgrade can key those ({@link #wrap}) without their codes.
 *
 * <p>A recovery code has 120 bits of entropy (≥ 112), so one approved hash is enough; a slow key
 * derivation function is required only below 112 bits. The salt is 128 bits (SP 800-63B
 * §5.1.1.2 asks for ≥ 32).
 *
 * <p>Thread-safety: thread-safe. {@link MessageDigest} and {@link Mac} are not, so they are
 * created per call; {@link SecureRandom} is thread-safe; the key source must be.
 */
public final class RecoveryCodeHasher {

    /** Salt length in bytes (128 bits). */
    public static final int SALT_BYTES = HashedRecoveryCode.SALT_BYTES;

    private static final byte[] DOMAIN = "serverless-mfa recovery code v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final String HMAC = "HmacSHA256";

    private final SecureRandom random;
    private final RecoveryCodeKey key;

    /**
     * @param random the salt source
     * @param key    the hashes' key, asked for at each hash or check (never at construction, so a
     *               route that never touches a recovery code never unseals it)
     * @throws IllegalArgumentException if an argument is null
     */
    public RecoveryCodeHasher(SecureRandom random, RecoveryCodeKey key) {
        if (random == null || key == null) {
            throw new IllegalArgumentException("SecureRandom and key are required");
        }
        this.random = random;
        this.key = key;
        // Fail at construction, not at the first confirmation, on a runtime without them.
        newDigest();
        newMac();
    }

    /**
     * Hashes {@code code} for {@code userId} with a fresh salt.
     *
     * @throws IllegalArgumentException if an argument is null
     */
    public HashedRecoveryCode hash(String userId, RecoveryCode code) {
        if (userId == null || code == null) {
            throw new IllegalArgumentException("user id and recovery code are required");
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new HashedRecoveryCode(salt, keyed(key.current(), userId, inner(salt, code)));
    }

    /**
     * The keyed form of a hash an earlier release stored, salt and SHA-256(salt || UTF-8(code)):
     * the same code matches it. Only the one-time upgrade may call this, on hashes it trusts: an
     * unkeyed hash proves nothing, since anyone who can write the table can make one.
     *
     * @throws IllegalArgumentException if an argument is null or of the wrong length
     */
    public HashedRecoveryCode wrap(String userId, byte[] salt, byte[] unkeyedHash) {
        if (userId == null || salt == null || unkeyedHash == null || unkeyedHash.length != HashedRecoveryCode.HASH_BYTES) {
            throw new IllegalArgumentException("user id, salt and a " + HashedRecoveryCode.HASH_BYTES + "-byte hash are required");
        }
        return new HashedRecoveryCode(salt, keyed(key.current(), userId, unkeyedHash));
    }

    /**
     * Finds the stored hash {@code code} is for. Every entry is checked, with no early exit and a
     * constant-time comparison, so the response time does not reveal the position of a match.
     *
     * @param stored the user's unused recovery code hashes
     * @return the index of the first matching entry, or empty
     * @throws IllegalArgumentException if an argument or an entry is null
     */
    public OptionalInt findMatch(String userId, RecoveryCode code, List<HashedRecoveryCode> stored) {
        if (userId == null || code == null || stored == null) {
            throw new IllegalArgumentException("user id, recovery code and stored hashes are required");
        }
        if (stored.isEmpty()) {
            // Nothing to compare: the key is not needed (nor unsealed).
            return OptionalInt.empty();
        }
        SecretKey current = key.current();
        int found = -1;
        for (int i = 0; i < stored.size(); i++) {
            HashedRecoveryCode entry = stored.get(i);
            if (entry == null) {
                throw new IllegalArgumentException("stored hashes must not contain null");
            }
            boolean match = MessageDigest.isEqual(keyed(current, userId, inner(entry.salt(), code)), entry.hash());
            if (match && found < 0) {
                found = i;
            }
        }
        return found < 0 ? OptionalInt.empty() : OptionalInt.of(found);
    }

    /** Whether {@code code} is the one {@code stored} was made of, for {@code userId}. */
    public boolean matches(String userId, RecoveryCode code, HashedRecoveryCode stored) {
        if (stored == null) {
            throw new IllegalArgumentException("stored hash is required");
        }
        return findMatch(userId, code, List.of(stored)).isPresent();
    }

    private static byte[] inner(byte[] salt, RecoveryCode code) {
        MessageDigest digest = newDigest();
        digest.update(salt);
        digest.update(code.value().getBytes(StandardCharsets.UTF_8));
        return digest.digest();
    }

    /** The length prefix keeps (userId, inner) unambiguous whatever bytes a user id holds. */
    private static byte[] keyed(SecretKey secretKey, String userId, byte[] inner) {
        byte[] user = userId.getBytes(StandardCharsets.UTF_8);
        Mac mac = newMac();
        try {
            mac.init(secretKey);
        } catch (GeneralSecurityException unusable) {
            throw new IllegalStateException("the recovery code key is not an HMAC key", unusable);
        }
        mac.update(DOMAIN);
        mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(user.length).array());
        mac.update(user);
        mac.update(inner);
        return mac.doFinal();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // SHA-256 is required of every Java SE implementation (MessageDigest Javadoc).
            throw new IllegalStateException("SHA-256 is not available in this runtime", e);
        }
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(HMAC);
        } catch (NoSuchAlgorithmException e) {
            // HmacSHA256 is required of every Java SE implementation (Mac Javadoc).
            throw new IllegalStateException("HmacSHA256 is not available in this runtime", e);
        }
    }
}
