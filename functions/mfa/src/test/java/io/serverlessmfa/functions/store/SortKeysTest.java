package io.serverlessmfa.functions.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SortKeysTest {

    @ParameterizedTest
    @CsvSource({"0, 10, 0000000000", "7, 3, 007", "1764288000, 10, 1764288000", "1764288000123, 13, 1764288000123",
            "12345, 3, 12345"})
    void padsWithAsciiZerosToTheWidth(long value, int width, String expected) {
        assertEquals(expected, SortKeys.zeroPadded(value, width));
    }

    @Test
    void keysOrderAsTheNumbersDo() {
        assertEquals(-1, Integer.signum(SortKeys.zeroPadded(999, 10).compareTo(SortKeys.zeroPadded(1000, 10))));
    }

    @Test
    void writesAsciiDigitsWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            // Arabic, Eastern Arabic digits: String.format("%010d") would write U+0660..U+0669 here.
            Locale.setDefault(Locale.forLanguageTag("ar-SA-u-nu-arab"));
            assertEquals("0000000042", SortKeys.zeroPadded(42, 10));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void refusesNegativeNumbers() {
        assertThrows(IllegalArgumentException.class, () -> SortKeys.zeroPadded(-1, 10));
    }
}
