package io.serverlessmfa.core.secret;

import java.util.Arrays;

/**
 * Base32 with the RFC 4648 §6 alphabet {@code A-Z2-7}, as used for TOTP secrets in key URIs and
 * manual entry.
 *
 * <p>Encoding omits the {@code '='} padding: the Key URI format says padding should be omitted and
 * some authenticator apps reject it. Decoding is lenient only where users and other encoders
 * differ harmlessly (letter case, trailing padding) and strict everywhere else. The pad bits of
 * the last character are not required to be zero (RFC 4648 §3.5 lets decoders choose).
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class Base32 {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int BITS_PER_CHAR = 5;
    private static final int[] DECODE = new int[128];

    static {
        Arrays.fill(DECODE, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            DECODE[ALPHABET[i]] = i;
            DECODE[Character.toLowerCase(ALPHABET[i])] = i;
        }
    }

    private Base32() {
    }

    /**
     * Encodes bytes without padding.
     *
     * @param data the bytes, may be empty
     * @return upper-case Base32, {@code ceil(8 * length / 5)} characters
     * @throws IllegalArgumentException if data is null
     */
    public static String encode(byte[] data) {
        if (data == null) {
            throw new IllegalArgumentException("data is required");
        }
        StringBuilder out = new StringBuilder((data.length * Byte.SIZE + BITS_PER_CHAR - 1) / BITS_PER_CHAR);
        int buffer = 0;
        int bitsInBuffer = 0;
        for (byte b : data) {
            buffer = (buffer << Byte.SIZE) | (b & 0xff);
            bitsInBuffer += Byte.SIZE;
            while (bitsInBuffer >= BITS_PER_CHAR) {
                bitsInBuffer -= BITS_PER_CHAR;
                out.append(ALPHABET[(buffer >>> bitsInBuffer) & 0x1f]);
            }
        }
        if (bitsInBuffer > 0) {
            // RFC 4648 §6: the final partial group is padded with zero bits on the right.
            out.append(ALPHABET[(buffer << (BITS_PER_CHAR - bitsInBuffer)) & 0x1f]);
        }
        return out.toString();
    }

    /**
     * Decodes Base32, ignoring letter case and trailing {@code '='} padding.
     *
     * @param text Base32 text
     * @return the decoded bytes
     * @throws IllegalArgumentException if text is null, holds a character outside the alphabet
     *                                  (including whitespace or an inner '='), or has a length no
     *                                  encoder can produce; the message never contains the input
     *                                  because it is usually a secret
     */
    public static byte[] decode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Base32 text is required");
        }
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '=') {
            end--;
        }
        // RFC 4648 §6: a final quantum has 8, 16, 24, 32 or 40 bits, i.e. 2, 4, 5, 7 or 8 characters.
        // 1, 3 or 6 leftover characters cannot come from any byte count.
        int leftover = end % 8;
        if (leftover == 1 || leftover == 3 || leftover == 6) {
            throw new IllegalArgumentException("Base32 text has an invalid length");
        }
        byte[] out = new byte[end * BITS_PER_CHAR / Byte.SIZE];
        int buffer = 0;
        int bitsInBuffer = 0;
        int written = 0;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            int value = c < DECODE.length ? DECODE[c] : -1;
            if (value < 0) {
                throw new IllegalArgumentException("Base32 text contains a character outside A-Z and 2-7");
            }
            buffer = (buffer << BITS_PER_CHAR) | value;
            bitsInBuffer += BITS_PER_CHAR;
            if (bitsInBuffer >= Byte.SIZE) {
                bitsInBuffer -= Byte.SIZE;
                out[written++] = (byte) (buffer >>> bitsInBuffer);
            }
        }
        return out;
    }
}
