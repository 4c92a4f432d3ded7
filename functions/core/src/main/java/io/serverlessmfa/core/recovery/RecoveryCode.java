package io.serverlessmfa.core.recovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;

/**
 * A recovery code: a NIST SP 800-63B §5.1.2 look-up secret, used once instead of a TOTP code.
 *
 * <p>Entropy: 24 characters × 5 bits (RFC 4648 Base32 alphabet {@code A-Z2-7}) = 120 bits, which
 * is ≥ 112 bits, so SP 800-63B §5.1.2.2 allows storing it as a salted hash with an approved
 * one-way function (SHA-256) instead of a slow key derivation function.
 *
 * <p>The Base32 alphabet omits 0, 1, 8 and 9, which avoids the O/0, I/1 and B/8 confusions when
 * the code is read from paper.
 *
 * <p>{@link #toString()} is redacted and {@link #equals(Object)} is constant-time, because the
 * value is a credential.
 *
 * <p>Thread-safety: immutable record, safe to share between threads.
 *
 * @param value the canonical form: exactly 24 characters of {@code A-Z2-7}
 */
public record RecoveryCode(String value) {

    /** Characters in the canonical form. */
    public static final int LENGTH = 24;

    private static final int GROUP = 4;

    /** Validates the canonical form; never echoes it in the exception. */
    public RecoveryCode {
        if (value == null || value.length() != LENGTH || !isBase32(value)) {
            throw new IllegalArgumentException("recovery code must be 24 characters of A-Z and 2-7");
        }
    }

    /**
     * Parses what a user typed: letter case, U+0020 spaces and dashes are ignored, so both the
     * {@link #formatted()} form and a run-together lower-case form are accepted.
     *
     * @param raw the user input, may be null
     * @return the code, or empty if the normalised input is not 24 characters of {@code A-Z2-7}
     */
    public static Optional<RecoveryCode> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        // Non-ASCII is rejected before upper-casing: even Locale.ROOT maps U+0131 (dotless i) to
        // 'I' and U+017F (long s) to 'S', which would give one code several spellings.
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) > 0x7f) {
                return Optional.empty();
            }
        }
        String normalised = raw.toUpperCase(Locale.ROOT).replace(" ", "").replace("-", "");
        if (normalised.length() != LENGTH || !isBase32(normalised)) {
            return Optional.empty();
        }
        return Optional.of(new RecoveryCode(normalised));
    }

    /**
     * The display form: groups of four joined by dashes, e.g. {@code ABCD-EFGH-IJKL-MNOP-QRST-UVWX}.
     * {@link #parse(String)} accepts it back.
     *
     * @return the 29-character grouped form
     */
    public String formatted() {
        StringBuilder out = new StringBuilder(LENGTH + LENGTH / GROUP - 1);
        for (int i = 0; i < LENGTH; i += GROUP) {
            if (i > 0) {
                out.append('-');
            }
            out.append(value, i, i + GROUP);
        }
        return out.toString();
    }

    /** Constant-time equality (MessageDigest.isEqual), since the value is a credential. */
    @Override
    public boolean equals(Object other) {
        return other instanceof RecoveryCode code
                && MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.US_ASCII),
                        code.value.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Redacted: a recovery code must never reach a log line. */
    @Override
    public String toString() {
        return "RecoveryCode[redacted]";
    }

    private static boolean isBase32(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
                return false;
            }
        }
        return true;
    }
}
