package io.serverlessmfa.core.totp;

import java.util.Locale;

/**
 * The HMAC hash functions allowed for HOTP/TOTP codes.
 *
 * <p>RFC 4226 defines HOTP over HMAC-SHA-1; RFC 6238 §1.2 extends TOTP to HMAC-SHA-256 and
 * HMAC-SHA-512. All three are guaranteed by the JDK's SunJCE provider, so no other algorithm is
 * accepted: a typo in configuration must fail loudly instead of silently falling back.
 *
 * <p>Thread-safety: enum constants are immutable and safe to share between threads.
 */
public enum HmacAlgorithm {
    /** HMAC-SHA-1, the RFC 4226 default and the only algorithm every authenticator app supports. */
    SHA1("HmacSHA1", "SHA1"),
    /** HMAC-SHA-256 (RFC 6238 §1.2). */
    SHA256("HmacSHA256", "SHA256"),
    /** HMAC-SHA-512 (RFC 6238 §1.2). */
    SHA512("HmacSHA512", "SHA512");

    private final String macName;
    private final String keyUriName;

    HmacAlgorithm(String macName, String keyUriName) {
        this.macName = macName;
        this.keyUriName = keyUriName;
    }

    /**
     * The JCA algorithm name for {@link javax.crypto.Mac#getInstance(String)}.
     *
     * @return for example {@code "HmacSHA1"}
     */
    public String macName() {
        return macName;
    }

    /**
     * The value of the {@code algorithm} parameter in an {@code otpauth://} key URI.
     *
     * @return {@code "SHA1"}, {@code "SHA256"} or {@code "SHA512"}
     */
    public String keyUriName() {
        return keyUriName;
    }

    /**
     * Parses a key URI / configuration name, ignoring case.
     *
     * @param name {@code "SHA1"}, {@code "SHA256"} or {@code "SHA512"} in any case
     * @return the matching algorithm
     * @throws IllegalArgumentException if the name is null or not one of the three names
     */
    public static HmacAlgorithm fromName(String name) {
        if (name != null) {
            // Locale.ROOT: the JVM default locale (e.g. Turkish case rules) must never change how
            // configuration and key URIs are parsed.
            String upper = name.toUpperCase(Locale.ROOT);
            for (HmacAlgorithm algorithm : values()) {
                if (algorithm.keyUriName.equals(upper)) {
                    return algorithm;
                }
            }
        }
        // The input is not echoed: it comes from callers we do not control (log injection).
        throw new IllegalArgumentException("unsupported HMAC algorithm: expected SHA1, SHA256 or SHA512");
    }
}
