package io.serverlessmfa.core.uri;

import io.serverlessmfa.core.totp.TotpSettings;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The {@code otpauth://totp/...} URI an authenticator app imports, usually through a QR code, as described by the
 * Key Uri Format of the google-authenticator wiki.
 *
 * <p>The secret is only ever written by {@link #toUriString()}; {@link #toString()} and exception messages
 * redact it so that it cannot leak into logs.
 *
 * <p>Thread-safety: instances are immutable and safe to share between threads.
 *
 * @param issuer       the provider or service, shown above the code; non-blank and without {@code ':'}
 * @param accountName  the user's account, shown next to the issuer; non-blank and without {@code ':'}
 * @param base32Secret the shared secret in upper-case RFC 4648 Base32 without {@code '='} padding
 * @param settings     algorithm, digits and period of the codes
 */
public record KeyUri(String issuer, String accountName, String base32Secret, TotpSettings settings) {

    /**
     * RFC 4648 §6 alphabet. The Key Uri Format says padding should be omitted, and several authenticator apps
     * reject a padded or lower-case secret.
     */
    private static final Pattern BASE32_WITHOUT_PADDING = Pattern.compile("^[A-Z2-7]+$");

    private static final char[] UPPER_CASE_HEX = "0123456789ABCDEF".toCharArray();

    /**
     * Validates the parts.
     *
     * @throws IllegalArgumentException if a part is missing, blank or breaks a rule of the Key Uri Format
     */
    public KeyUri {
        requireLabelPart("issuer", issuer);
        requireLabelPart("accountName", accountName);
        // The secret itself is never quoted in these messages.
        if (base32Secret == null || !BASE32_WITHOUT_PADDING.matcher(base32Secret).matches()) {
            throw new IllegalArgumentException(
                    "base32Secret must be upper-case Base32 (A-Z, 2-7) without '=' padding (Key Uri Format)");
        }
        // TotpSettings validates itself (algorithm present, 6 to 8 digits, whole-second period).
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
    }

    /**
     * Returns the URI, with issuer and account name percent-encoded (RFC 3986 §2.1) and the parameters in a fixed
     * order:
     * {@code otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=...&digits=...&period=...}.
     *
     * <p>The issuer appears both as label prefix and as parameter: the Key Uri Format recommends both, since older
     * apps only read the prefix and newer ones prefer the parameter, and says the two should be equal.
     *
     * @return the key URI; it contains the secret, so it must not be logged
     */
    public String toUriString() {
        String encodedIssuer = percentEncode(issuer);
        // The colon between issuer and account is written literally; the Key Uri Format allows it literal or
        // encoded, and neither part can contain one, so it is unambiguous.
        return "otpauth://totp/" + encodedIssuer + ':' + percentEncode(accountName)
                + "?secret=" + base32Secret
                + "&issuer=" + encodedIssuer
                + "&algorithm=" + settings.algorithm().keyUriName()
                + "&digits=" + settings.digits()
                + "&period=" + settings.period().getSeconds();
    }

    /** Redacts the secret; the other parts are not sensitive. */
    @Override
    public String toString() {
        return "KeyUri[issuer=" + issuer + ", accountName=" + accountName
                + ", base32Secret=<redacted>, settings=" + settings + "]";
    }

    private static void requireLabelPart(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be null or blank");
        }
        // The label is "issuer:account"; a colon inside either part would make it ambiguous.
        if (value.indexOf(':') >= 0) {
            throw new IllegalArgumentException(name + " must not contain ':' (Key Uri Format)");
        }
        // A lone surrogate has no UTF-8 form; String.getBytes would silently turn it into '?'.
        try {
            StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(name + " must be well-formed Unicode text", e);
        }
    }

    /**
     * RFC 3986 §2.1 and §2.3: every byte of the UTF-8 form except the unreserved characters
     * {@code A-Z a-z 0-9 - . _ ~} becomes {@code %XX} with upper-case hex digits. A space becomes {@code %20},
     * never {@code +}: {@code +} only means space in HTML form encoding, and authenticator apps would show it.
     */
    static String percentEncode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder encoded = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            int unsigned = b & 0xFF;
            if (isUnreserved(unsigned)) {
                encoded.append((char) unsigned);
            } else {
                encoded.append('%')
                        .append(UPPER_CASE_HEX[unsigned >>> 4])
                        .append(UPPER_CASE_HEX[unsigned & 0x0F]);
            }
        }
        return encoded.toString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
