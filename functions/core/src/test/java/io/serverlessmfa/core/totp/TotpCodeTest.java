package io.serverlessmfa.core.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpCodeTest {

    @ParameterizedTest
    @ValueSource(strings = {"123456", "123 456", " 123456 ", "1 2 3 4 5 6"})
    void parsesSixDigitsIgnoringSpaces(String raw) {
        assertEquals(Optional.of(new TotpCode("123456")), TotpCode.parse(raw, 6));
        assertEquals("123456", TotpCode.parse(raw, 6).orElseThrow().digits());
    }

    @Test
    void parsesEightDigitsWithLeadingZeros() {
        assertEquals("00012345", TotpCode.parse("0001 2345", 8).orElseThrow().digits());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "12345",            // too short
        "1234567",          // too long
        "12a456",           // letter
        "\u0661\u0662\u0663\u0664\u0665\u0666", // Arabic-Indic digits: Character.isDigit says yes
        "\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16", // full-width digits
        "+12345",           // sign
        "-12345",
        "123\t456",         // tab is not a space
        "123\u00A0456",     // no-break space is not U+0020
        "123-456",
        "      "})
    void rejectsAnythingButExactlyTheExpectedAsciiDigits(String raw) {
        assertEquals(Optional.empty(), TotpCode.parse(raw, 6));
    }

    @Test
    void parseRequiresTheExpectedLength() {
        assertEquals(Optional.empty(), TotpCode.parse("123456", 8));
        assertTrue(TotpCode.parse("1234567", 7).isPresent());
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 9})
    void parseRejectsUnsupportedExpectedLength(int expectedDigits) {
        assertThrows(IllegalArgumentException.class, () -> TotpCode.parse("12345", expectedDigits));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"12345", "123456789", "12345a", "123 456", "\u0661\u0662\u0663\u0664\u0665\u0666"})
    void constructorRejectsInvalidDigits(String digits) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new TotpCode(digits));
        if (digits != null && !digits.isEmpty()) {
            assertFalse(error.getMessage().contains(digits), "exception message must not contain the code");
        }
    }

    @Test
    void matchesEqualDigitsOnly() {
        TotpCode code = new TotpCode("123456");
        assertTrue(code.matches(new TotpCode("123456")));
        assertFalse(code.matches(new TotpCode("123457")));
        assertFalse(code.matches(new TotpCode("023456")));
        assertFalse(code.matches(new TotpCode("12345600")));
        assertFalse(code.matches(null));
    }

    @Test
    void equalsAgreesWithMatches() {
        assertEquals(new TotpCode("654321"), new TotpCode("654321"));
        assertEquals(new TotpCode("654321").hashCode(), new TotpCode("654321").hashCode());
        assertNotEquals(new TotpCode("654321"), new TotpCode("654320"));
    }

    @Test
    void toStringDoesNotRevealTheDigits() {
        String text = new TotpCode("987654").toString();
        assertFalse(text.contains("987654"));
        assertEquals("TotpCode[redacted]", text);
    }
}
