package io.serverlessmfa.core.secret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base32Test {

    @ParameterizedTest(name = "\"{0}\" <-> \"{1}\"")
    @CsvSource(value = {
        "'', ''",
        "f, MY",
        "fo, MZXQ",
        "foo, MZXW6",
        "foob, MZXW6YQ",
        "fooba, MZXW6YTB",
        "foobar, MZXW6YTBOI"})
    void encodesRfc4648Section10VectorsWithoutPadding(String plain, String encoded) {
        assertEquals(encoded, Base32.encode(plain.getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(plain.getBytes(StandardCharsets.US_ASCII), Base32.decode(encoded));
    }

    @ParameterizedTest
    @CsvSource(value = {
        "f, MY======",
        "fo, MZXQ====",
        "foo, MZXW6===",
        "foob, MZXW6YQ=",
        "fooba, MZXW6YTB",
        "foobar, MZXW6YTBOI======"})
    void decodesPaddedForms(String plain, String padded) {
        assertArrayEquals(plain.getBytes(StandardCharsets.US_ASCII), Base32.decode(padded));
    }

    @Test
    void decodesLowerAndMixedCase() {
        assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Base32.decode("mzxw6ytboi"));
        assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Base32.decode("mZxW6yTbOi======"));
    }

    static IntStream lengths() {
        return IntStream.rangeClosed(0, 64);
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void roundTripsRandomBytes(int length) {
        SplittableRandom random = new SplittableRandom(length * 7919L);
        for (int sample = 0; sample < 5; sample++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            String encoded = Base32.encode(data);
            assertEquals((length * 8 + 4) / 5, encoded.length());
            assertFalse(encoded.contains("="));
            assertArrayEquals(data, Base32.decode(encoded));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MZXW1", "MZXW8", "MZXW0", "MZXW@", "MZ XW6", "MZXW6\n", "MZ=XW6", "MZXW\u00C96", "MZXW\u0661"})
    void rejectsCharactersOutsideTheAlphabet(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Base32.decode(text));
        assertFalse(error.getMessage().contains(text), "exception message must not contain the input");
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "ABC", "ABCDEF", "ABCDEFGHA", "A=======", "MZXW6YTBO"})
    void rejectsImpossibleLengths(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Base32.decode(text));
        assertFalse(error.getMessage().contains(text), "exception message must not contain the input");
    }

    @Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> Base32.decode(null));
        assertThrows(IllegalArgumentException.class, () -> Base32.encode(null));
    }
}
