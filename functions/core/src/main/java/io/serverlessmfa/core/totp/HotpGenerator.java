package io.serverlessmfa.core.totp;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * HOTP code generation, RFC 4226 §5: {@code HOTP(K, C) = Truncate(HMAC(K, C)) mod 10^Digit}.
 *
 * <p>Thread-safety: immutable and thread-safe. A {@link Mac} is stateful and not thread-safe, so a
 * fresh instance is obtained for every call rather than shared.
 */
public final class HotpGenerator {

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private final int digits;
    private final HmacAlgorithm algorithm;

    /**
     * @param digits    code length, 6 to 8
     * @param algorithm HMAC hash function
     * @throws IllegalArgumentException if digits is outside 6..8 or the algorithm is null
     */
    public HotpGenerator(int digits, HmacAlgorithm algorithm) {
        if (digits < TotpSettings.MIN_DIGITS || digits > TotpSettings.MAX_DIGITS) {
            throw new IllegalArgumentException("HOTP digits must be between 6 and 8, was " + digits);
        }
        if (algorithm == null) {
            throw new IllegalArgumentException("HMAC algorithm is required");
        }
        this.digits = digits;
        this.algorithm = algorithm;
        // Fail at construction rather than on the first login if the runtime lacks the MAC.
        newMac();
    }

    /**
     * Computes the HOTP value for one counter.
     *
     * @param key     the shared secret (any RAW key, e.g. from {@link SecretKeys#forTotp})
     * @param counter the moving factor C, not negative
     * @return the code, zero-padded to the configured length
     * @throws IllegalArgumentException if the key is null or unusable, or the counter is negative
     */
    public TotpCode generate(SecretKey key, long counter) {
        if (key == null) {
            throw new IllegalArgumentException("key is required");
        }
        // RFC 4226 §5.1 treats C as an 8-byte unsigned value; a negative long would silently map to
        // a counter above 2^63, which no legitimate caller (time steps, event counters) reaches.
        if (counter < 0) {
            throw new IllegalArgumentException("counter must not be negative");
        }
        Mac mac = newMac();
        try {
            mac.init(key);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("key is not usable for " + algorithm.macName(), e);
        }
        // RFC 4226 §5.2: the counter is hashed as 8 bytes, big-endian (high-order byte first).
        byte[] message = new byte[Long.BYTES];
        long value = counter;
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            message[i] = (byte) value;
            value >>>= Byte.SIZE;
        }
        byte[] hash = mac.doFinal(message);
        try {
            return new TotpCode(format(truncate(hash) % POWERS_OF_TEN[digits]));
        } finally {
            // The HMAC output is as sensitive as the code derived from it.
            Arrays.fill(hash, (byte) 0);
        }
    }

    /**
     * Dynamic truncation, RFC 4226 §5.3: the low 4 bits of the last byte select an offset, and the
     * 31 bits read there (the sign bit is masked so the result is the same on every platform)
     * form the value.
     */
    private static int truncate(byte[] hash) {
        int offset = hash[hash.length - 1] & 0x0f;
        return ((hash[offset] & 0x7f) << 24)
                | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
    }

    /**
     * Left-pads with ASCII zeros. String.format is avoided on purpose: it uses the default locale,
     * and in some locales (for example Arabic) it renders non-ASCII digits.
     */
    private String format(int value) {
        char[] chars = new char[digits];
        int remaining = value;
        for (int i = digits - 1; i >= 0; i--) {
            chars[i] = (char) ('0' + remaining % 10);
            remaining /= 10;
        }
        return new String(chars);
    }

    private Mac newMac() {
        try {
            return Mac.getInstance(algorithm.macName());
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE runtime ships HmacSHA1/256/512 in SunJCE; absence is a broken runtime.
            throw new IllegalStateException(algorithm.macName() + " is not available in this runtime", e);
        }
    }
}
