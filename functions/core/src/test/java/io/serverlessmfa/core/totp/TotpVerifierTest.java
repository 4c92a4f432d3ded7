package io.serverlessmfa.core.totp;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TotpVerifierTest {

    private static final long NOTHING_ACCEPTED = Long.MIN_VALUE;
    private static final SecretKey KEY =
            SecretKeys.forTotp("12345678901234567890".getBytes(StandardCharsets.US_ASCII), HmacAlgorithm.SHA1);
    /** 15 s into a 30 s step, so "now" is unambiguously inside the current step. */
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_015L);

    private final TotpGenerator generator = new TotpGenerator(TotpSettings.defaults());
    private final long current = generator.timeStep(NOW);

    private TotpCode codeAt(long step) {
        return generator.generateAtStep(KEY, step);
    }

    @Test
    void acceptsCodeFromCurrentStep() {
        TotpVerifier verifier = new TotpVerifier(generator, 1);
        assertEquals(OptionalLong.of(current), verifier.verify(KEY, codeAt(current), NOW, NOTHING_ACCEPTED));
    }

    @Test
    void acceptsCodeFromPreviousStepWithinWindow() {
        TotpVerifier verifier = new TotpVerifier(generator, 1);
        assertEquals(OptionalLong.of(current - 1), verifier.verify(KEY, codeAt(current - 1), NOW, NOTHING_ACCEPTED));
    }

    @Test
    void acceptsCodeFromNextStepWithinWindow() {
        TotpVerifier verifier = new TotpVerifier(generator, 1);
        assertEquals(OptionalLong.of(current + 1), verifier.verify(KEY, codeAt(current + 1), NOW, NOTHING_ACCEPTED));
    }

    @Test
    void rejectsCodeTwoStepsAwayWithWindowOne() {
        TotpVerifier verifier = new TotpVerifier(generator, 1);
        assertEquals(OptionalLong.empty(), verifier.verify(KEY, codeAt(current - 2), NOW, NOTHING_ACCEPTED));
        assertEquals(OptionalLong.empty(), verifier.verify(KEY, codeAt(current + 2), NOW, NOTHING_ACCEPTED));
    }

    @Test
    void acceptsCodeTwoStepsAwayWithWindowTwo() {
        TotpVerifier verifier = new TotpVerifier(generator, 2);
        assertEquals(OptionalLong.of(current - 2), verifier.verify(KEY, codeAt(current - 2), NOW, NOTHING_ACCEPTED));
        assertEquals(OptionalLong.of(current + 2), verifier.verify(KEY, codeAt(current + 2), NOW, NOTHING_ACCEPTED));
    }

    @Test
    void windowZeroAcceptsOnlyCurrentStep() {
        TotpVerifier verifier = new TotpVerifier(generator, 0);
        assertEquals(OptionalLong.of(current), verifier.verify(KEY, codeAt(current), NOW, NOTHING_ACCEPTED));
        assertEquals(OptionalLong.empty(), verifier.verify(KEY, codeAt(current - 1), NOW, NOTHING_ACCEPTED));
        assertEquals(OptionalLong.empty(), verifier.verify(KEY, codeAt(current + 1), NOW, NOTHING_ACCEPTED));
    }

    @Test
    void rejectsReplayOfTheLastAcceptedStep() {
        TotpVerifier verifier = new TotpVerifier(generator, 1);
        TotpCode code = codeAt(current);
        long accepted = verifier.verify(KEY, code, NOW, NOTHING_ACCEPTED).orElseThrow();
        assertEquals(OptionalLong.empty(), verifier.verify(KEY, code, NOW, accepted));
    }

    @Test
    void rejectsCodeFromStepBeforeTheLastAcceptedStep() {
        TotpVerifier verifier = new TotpVerifier(generator, 1);
        assertEquals(OptionalLong.empty(), verifier.verify(KEY, codeAt(current - 1), NOW, current));
        assertEquals(OptionalLong.empty(), verifier.verify(KEY, codeAt(current), NOW, current + 1));
    }

    @Test
    void acceptsTheNextStepAfterTheLastAcceptedStep() {
        TotpVerifier verifier = new TotpVerifier(generator, 1);
        assertEquals(OptionalLong.of(current + 1), verifier.verify(KEY, codeAt(current + 1), NOW, current));
        assertEquals(OptionalLong.of(current), verifier.verify(KEY, codeAt(current), NOW, current - 1));
    }

    @Test
    void rejectsWrongCode() {
        TotpVerifier verifier = new TotpVerifier(generator, 1);
        TotpCode right = codeAt(current);
        char first = right.digits().charAt(0);
        TotpCode wrong = new TotpCode((first == '9' ? '0' : (char) (first + 1)) + right.digits().substring(1));
        assertEquals(OptionalLong.empty(), verifier.verify(KEY, wrong, NOW, NOTHING_ACCEPTED));
    }

    @Test
    void rejectsCodeOfTheWrongLength() {
        TotpVerifier verifier = new TotpVerifier(generator, 1);
        TotpCode eightDigits = new TotpGenerator(new TotpSettings(HmacAlgorithm.SHA1, 8, TotpSettings.defaults().period()))
                .generateAtStep(KEY, current);
        assertEquals(OptionalLong.empty(), verifier.verify(KEY, eightDigits, NOW, NOTHING_ACCEPTED));
    }

    @Test
    void rejectsCodeFromAnotherKey() {
        TotpVerifier verifier = new TotpVerifier(generator, 1);
        SecretKey other = SecretKeys.forTotp("abcdefghijabcdefghij".getBytes(StandardCharsets.US_ASCII), HmacAlgorithm.SHA1);
        TotpCode code = generator.generateAtStep(other, current);
        // Guard against the one-in-a-million collision making this test meaningless.
        if (!code.matches(codeAt(current - 1)) && !code.matches(codeAt(current)) && !code.matches(codeAt(current + 1))) {
            assertEquals(OptionalLong.empty(), verifier.verify(KEY, code, NOW, NOTHING_ACCEPTED));
        }
    }

    @Test
    void skipsStepsBeforeTheEpoch() {
        TotpVerifier verifier = new TotpVerifier(generator, 2);
        Instant nearEpoch = Instant.ofEpochSecond(10);
        assertEquals(OptionalLong.of(0), verifier.verify(KEY, codeAt(0), nearEpoch, NOTHING_ACCEPTED));
        assertEquals(OptionalLong.of(2), verifier.verify(KEY, codeAt(2), nearEpoch, NOTHING_ACCEPTED));
        assertDoesNotThrow(() -> verifier.verify(KEY, codeAt(0), Instant.ofEpochSecond(-600), NOTHING_ACCEPTED));
        assertEquals(OptionalLong.empty(), verifier.verify(KEY, codeAt(0), Instant.ofEpochSecond(-600), NOTHING_ACCEPTED));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 10})
    void acceptsWindowFromZeroToTen(int window) {
        assertDoesNotThrow(() -> new TotpVerifier(generator, window));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 11, Integer.MAX_VALUE})
    void rejectsWindowOutsideZeroToTen(int window) {
        assertThrows(IllegalArgumentException.class, () -> new TotpVerifier(generator, window));
    }

    @Test
    void rejectsMissingArguments() {
        assertThrows(IllegalArgumentException.class, () -> new TotpVerifier(null, 1));
        TotpVerifier verifier = new TotpVerifier(generator, 1);
        TotpCode code = codeAt(current);
        assertThrows(IllegalArgumentException.class, () -> verifier.verify(null, code, NOW, NOTHING_ACCEPTED));
        assertThrows(IllegalArgumentException.class, () -> verifier.verify(KEY, null, NOW, NOTHING_ACCEPTED));
        assertThrows(IllegalArgumentException.class, () -> verifier.verify(KEY, code, null, NOTHING_ACCEPTED));
    }
}
