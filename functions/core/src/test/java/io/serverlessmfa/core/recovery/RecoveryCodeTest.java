package io.serverlessmfa.core.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RecoveryCodeTest {

    private static final String CANONICAL = "ABCDEFGHIJKLMNOPQRSTUVWX";

    @ParameterizedTest
    @ValueSource(strings = {
        "ABCDEFGHIJKLMNOPQRSTUVWX",
        "abcdefghijklmnopqrstuvwx",
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX",
        "abcd efgh ijkl mnop qrst uvwx",
        "  AbCd-EfGh IJKL--mnop-QRST-uvwx  "})
    void parseNormalisesCaseSpacesAndDashes(String raw) {
        assertEquals(CANONICAL, RecoveryCode.parse(raw).orElseThrow().value());
    }

    @Test
    void parseAcceptsTheDigitsTwoToSeven() {
        assertEquals("234567ABCDEFGHIJ23456777", RecoveryCode.parse("2345-67ab-cdef-ghij-2345-6777").orElseThrow().value());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "ABCDEFGHIJKLMNOPQRSTUVW",          // 23 characters
        "ABCDEFGHIJKLMNOPQRSTUVWXY",        // 25 characters
        "0BCDEFGHIJKLMNOPQRSTUVWX",         // '0' is not in the Base32 alphabet
        "1BCDEFGHIJKLMNOPQRSTUVWX",
        "8BCDEFGHIJKLMNOPQRSTUVWX",
        "9BCDEFGHIJKLMNOPQRSTUVWX",
        "ABCD_EFGH_IJKL_MNOP_QRST_UVWX",    // only spaces and dashes are separators
        "ABCD\tEFGH\tIJKL\tMNOP\tQRST\tUVWX",
        "ABCDEFGH\u0131JKLMNOPQRSTUVWX",    // dotless i: Locale.ROOT would upper-case it to 'I'
        "ABCDEFGHIJKLMNOPQR\u017FTUVWX",    // long s: Locale.ROOT would upper-case it to 'S'
        "ABCDEFGHIJKLMNOPQRSTUVW=",
        "------------------------"})
    void parseRejectsWrongLengthOrAlphabet(String raw) {
        assertEquals(Optional.empty(), RecoveryCode.parse(raw));
    }

    @Test
    void formattedGroupsOfFourJoinedByDashes() {
        assertEquals("ABCD-EFGH-IJKL-MNOP-QRST-UVWX", new RecoveryCode(CANONICAL).formatted());
    }

    @Test
    void formattedFormParsesBack() {
        RecoveryCode code = new RecoveryCode("Z7Y6X5W4V3U2TSRQPONMLKJI");
        assertEquals(code, RecoveryCode.parse(code.formatted()).orElseThrow());
        assertEquals(code, RecoveryCode.parse(code.formatted().toLowerCase(Locale.ROOT)).orElseThrow());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"abcdefghijklmnopqrstuvwx", "ABCD-EFGH-IJKL-MNOP-QRST-UVWX", "0BCDEFGHIJKLMNOPQRSTUVWX", "ABC"})
    void constructorRequiresCanonicalForm(String value) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new RecoveryCode(value));
        if (value != null && !value.isEmpty()) {
            assertFalse(error.getMessage().contains(value), "exception message must not contain the code");
        }
    }

    @Test
    void equalityIsByValue() {
        assertEquals(new RecoveryCode(CANONICAL), new RecoveryCode(CANONICAL));
        assertEquals(new RecoveryCode(CANONICAL).hashCode(), new RecoveryCode(CANONICAL).hashCode());
        assertNotEquals(new RecoveryCode(CANONICAL), new RecoveryCode("ABCDEFGHIJKLMNOPQRSTUVWY"));
    }

    @Test
    void toStringIsRedacted() {
        RecoveryCode code = new RecoveryCode(CANONICAL);
        assertFalse(code.toString().contains(CANONICAL));
        assertFalse(code.toString().contains("ABCD"));
        assertEquals("RecoveryCode[redacted]", code.toString());
    }
}
