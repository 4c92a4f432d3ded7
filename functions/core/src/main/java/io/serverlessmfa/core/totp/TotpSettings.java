package io.serverlessmfa.core.totp;

import java.time.Duration;

/**
 * The parameters shared by the server and the authenticator app (RFC 6238 §4; the key URI
 * {@code algorithm}, {@code digits} and {@code period} parameters).
 *
 * <p>Thread-safety: immutable record, safe to share between threads.
 *
 * @param algorithm the HMAC hash function
 * @param digits    the code length, 6 to 8 (RFC 4226 §5.3 requires at least 6; more than 8
 *                  exceeds what the 31-bit truncated value can spread uniformly)
 * @param period    the time-step size X, a whole number of seconds of at least one second
 */
public record TotpSettings(HmacAlgorithm algorithm, int digits, Duration period) {

    /** Smallest code length allowed by RFC 4226 §5.3 ("at least a 6-digit value"). */
    public static final int MIN_DIGITS = 6;
    /** Largest code length supported here and by common authenticator apps. */
    public static final int MAX_DIGITS = 8;

    /** Validates the settings; invalid settings never reach a running verifier. */
    public TotpSettings {
        if (algorithm == null) {
            throw new IllegalArgumentException("TOTP algorithm is required");
        }
        if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
            throw new IllegalArgumentException("TOTP digits must be between 6 and 8, was " + digits);
        }
        if (period == null) {
            throw new IllegalArgumentException("TOTP period is required");
        }
        // The key URI carries the period as an integer number of seconds, and the RFC 6238 §4.2
        // step T = floor((time - T0) / X) is defined in whole seconds, so fractions are rejected.
        if (period.getNano() != 0 || period.getSeconds() < 1) {
            throw new IllegalArgumentException("TOTP period must be a whole number of seconds, at least 1 s");
        }
    }

    /**
     * The settings every authenticator app understands: HMAC-SHA-1, 6 digits, 30 s
     * (the RFC 6238 §5.2 recommended time step).
     *
     * @return SHA1, 6 digits, 30 seconds
     */
    public static TotpSettings defaults() {
        return new TotpSettings(HmacAlgorithm.SHA1, 6, Duration.ofSeconds(30));
    }
}
