package io.serverlessmfa.core.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HotpGeneratorTest {

    /** RFC 4226 Appendix D test secret. */
    private static final SecretKey RFC_4226_KEY =
            SecretKeys.forTotp("12345678901234567890".getBytes(StandardCharsets.US_ASCII), HmacAlgorithm.SHA1);

    static Stream<Arguments> rfc4226AppendixD() {
        return Stream.of(
                Arguments.of(0L, "755224"),
                Arguments.of(1L, "287082"),
                Arguments.of(2L, "359152"),
                Arguments.of(3L, "969429"),
                Arguments.of(4L, "338314"),
                Arguments.of(5L, "254676"),
                Arguments.of(6L, "287922"),
                Arguments.of(7L, "162583"),
                Arguments.of(8L, "399871"),
                Arguments.of(9L, "520489"));
    }

    @ParameterizedTest(name = "counter {0} -> {1}")
    @MethodSource("rfc4226AppendixD")
    void producesRfc4226AppendixDValues(long counter, String expected) {
        TotpCode code = new HotpGenerator(6, HmacAlgorithm.SHA1).generate(RFC_4226_KEY, counter);
        assertEquals(expected, code.digits());
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 9})
    void constructorRejectsDigitsOutsideSixToEight(int digits) {
        assertThrows(IllegalArgumentException.class, () -> new HotpGenerator(digits, HmacAlgorithm.SHA1));
    }

    @Test
    void constructorRejectsMissingAlgorithm() {
        assertThrows(IllegalArgumentException.class, () -> new HotpGenerator(6, null));
    }

    @Test
    void keepsTheLowDigitsOfTheTruncatedValue() {
        // RFC 4226 Appendix D, counter 0: the truncated value 1284755224 mod 10^8.
        assertEquals("84755224", new HotpGenerator(8, HmacAlgorithm.SHA1).generate(RFC_4226_KEY, 0).digits());
    }

    @Test
    void zeroPadsToTheConfiguredLength() {
        // RFC 6238 Appendix B, SHA-1 at 1111111109 s: step 37037036 gives a code with a leading zero.
        assertEquals("07081804", new HotpGenerator(8, HmacAlgorithm.SHA1).generate(RFC_4226_KEY, 37_037_036L).digits());
        for (long counter = 0; counter < 200; counter++) {
            assertEquals(7, new HotpGenerator(7, HmacAlgorithm.SHA1).generate(RFC_4226_KEY, counter).digits().length());
        }
    }

    @Test
    void rejectsNegativeCounterAndMissingKey() {
        HotpGenerator generator = new HotpGenerator(6, HmacAlgorithm.SHA1);
        assertThrows(IllegalArgumentException.class, () -> generator.generate(RFC_4226_KEY, -1));
        assertThrows(IllegalArgumentException.class, () -> generator.generate(null, 0));
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        HotpGenerator generator = new HotpGenerator(6, HmacAlgorithm.SHA1);
        String[] expected = rfc4226AppendixD().map(arguments -> (String) arguments.get()[1]).toArray(String[]::new);
        Thread[] threads = new Thread[8];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    for (int round = 0; round < 200; round++) {
                        int counter = round % expected.length;
                        assertEquals(expected[counter], generator.generate(RFC_4226_KEY, counter).digits());
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        synchronized (failure) {
            if (failure[0] != null) {
                throw new AssertionError("concurrent generation failed", failure[0]);
            }
        }
    }
}
