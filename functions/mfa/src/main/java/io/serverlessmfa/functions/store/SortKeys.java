package io.serverlessmfa.functions.store;

/** Numbers inside sort keys, written so that keys order as the numbers do. */
final class SortKeys {

    private SortKeys() {
    }

    /**
     * {@code value} in ASCII digits, left-padded with zeros to {@code width}. Not
     * {@code String.format("%0Nd")}: that follows the default locale, whose digits need not be
     * ASCII (a key written under one locale would not sort with keys written under another), and
     * its formatter and locale data cost a cold start about 3 ms. The values are times since 1970,
     * never negative; a longer value is returned whole.
     */
    static String zeroPadded(long value, int width) {
        if (value < 0) {
            throw new IllegalArgumentException("a sort key number is never negative: " + value);
        }
        String digits = Long.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }
}
