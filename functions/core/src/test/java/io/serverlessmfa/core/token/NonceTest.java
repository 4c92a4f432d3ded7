package io.serverlessmfa.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;

/** A nonce is 1..128 characters of {@code [A-Za-z0-9._~-]} (contract: "MFA tokens"). */
class NonceTest {

    /** Every character the contract allows, once: 66 characters. */
    private static final String EVERY_ALLOWED_CHARACTER =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-";

    static Stream<String> wellFormed() {
        return Stream.of(
                "a",
                "Z",
                "0",
                ".",
                "_",
                "~",
                "-",
                EVERY_ALLOWED_CHARACTER,
                "n-0S6_WzA2Mj",
                "x".repeat(Nonce.MAX_LENGTH));
    }

    static Stream<String> malformed() {
        return Stream.of(
                "",
                "x".repeat(Nonce.MAX_LENGTH + 1),
                EVERY_ALLOWED_CHARACTER.repeat(2), // 132 characters, each allowed
                " ",
                "two words",
                " leading",
                "trailing ",
                "abc\n",
                "tab\there",
                "a/b",
                "/",
                "a+b",        // standard Base64, not Base64url
                "abc=",
                "a%20b",
                "a:b",
                "a?b",
                "a#b",
                "\"quoted\"",
                "caf\u00e9",  // é
                "\u00fcber",  // ü
                "\uff21",     // fullwidth A
                "\u0661\u0662", // Arabic-Indic digits
                "emoji\ud83d\ude00",
                "nul\u0000");
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void aWellFormedNonceIsAccepted(String value) {
        assertEquals(value, new Nonce(value).value());
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void parseReturnsAWellFormedNonce(String value) {
        assertEquals(Optional.of(new Nonce(value)), Nonce.parse(value));
    }

    @ParameterizedTest
    @NullSource
    @MethodSource("malformed")
    void aMalformedNonceIsRefused(String value) {
        assertThrows(IllegalArgumentException.class, () -> new Nonce(value));
    }

    @ParameterizedTest
    @NullSource
    @MethodSource("malformed")
    void parseReturnsEmptyForAMalformedNonce(String value) {
        assertEquals(Optional.empty(), Nonce.parse(value));
    }

    @Test
    void theLimitIs128Characters() {
        assertEquals(128, Nonce.MAX_LENGTH);
        assertEquals(128, new Nonce("y".repeat(128)).value().length());
        assertThrows(IllegalArgumentException.class, () -> new Nonce("y".repeat(129)));
    }

    @Test
    void parseKeepsTheValueAsSent() {
        assertEquals("AbC.x_y~z-9", Nonce.parse("AbC.x_y~z-9").orElseThrow().value(), "no case folding, no trimming");
    }
}
