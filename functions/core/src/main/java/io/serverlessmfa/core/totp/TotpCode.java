package io.serverlessmfa.core.totp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * A one-time password: 6 to 8 ASCII digits.
 *
 * <p>The value is a live credential during its time step, so {@link #toString()} is redacted and
 * comparison is constant-time ({@link #matches(TotpCode)}; {@link #equals(Object)} delegates to
 * it) so that response timing does not reveal how many leading digits were right.
 *
 * <p>Thread-safety: immutable record, safe to share between threads.
 *
 * @param digits the code, only {@code '0'}..{@code '9'}, length 6 to 8
 */
public record TotpCode(String digits) {

    /** Validates the digits; never echoes them in the exception. */
    public TotpCode {
        if (digits == null) {
            throw new IllegalArgumentException("code digits are required");
        }
        if (!isAsciiDigits(digits)
                || digits.length() < TotpSettings.MIN_DIGITS || digits.length() > TotpSettings.MAX_DIGITS) {
            throw new IllegalArgumentException("code must be 6 to 8 ASCII digits");
        }
    }

    /**
     * Parses what a user typed.
     *
     * <p>Only U+0020 spaces are removed (apps display "123 456" and users copy it); anything else
     * that is not an ASCII digit rejects the input. In particular {@link Character#isDigit(char)}
     * is deliberately not used: it accepts Arabic-Indic and other Unicode digits, which would
     * create several spellings of one code.
     *
     * @param raw            the user input, may be null
     * @param expectedDigits the configured code length, 6 to 8
     * @return the code, or empty if the input is not exactly {@code expectedDigits} ASCII digits
     * @throws IllegalArgumentException if {@code expectedDigits} is not between 6 and 8
     */
    public static Optional<TotpCode> parse(String raw, int expectedDigits) {
        if (expectedDigits < TotpSettings.MIN_DIGITS || expectedDigits > TotpSettings.MAX_DIGITS) {
            throw new IllegalArgumentException("expected digits must be between 6 and 8, was " + expectedDigits);
        }
        if (raw == null) {
            return Optional.empty();
        }
        String compact = raw.replace(" ", "");
        if (compact.length() != expectedDigits || !isAsciiDigits(compact)) {
            return Optional.empty();
        }
        return Optional.of(new TotpCode(compact));
    }

    /**
     * Compares two codes in time independent of where they differ
     * ({@link MessageDigest#isEqual(byte[], byte[])}).
     *
     * @param other the code to compare with; null never matches
     * @return true if both codes have the same digits
     */
    public boolean matches(TotpCode other) {
        if (other == null) {
            return false;
        }
        return MessageDigest.isEqual(
                digits.getBytes(StandardCharsets.US_ASCII),
                other.digits.getBytes(StandardCharsets.US_ASCII));
    }

    /** Constant-time equality, so that a careless {@code equals} call is as safe as {@link #matches}. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TotpCode code && matches(code);
    }

    @Override
    public int hashCode() {
        return digits.hashCode();
    }

    /** Redacted: a code must never reach a log line. */
    @Override
    public String toString() {
        return "TotpCode[redacted]";
    }

    private static boolean isAsciiDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
