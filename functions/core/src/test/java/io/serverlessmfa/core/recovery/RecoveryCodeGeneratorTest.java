package io.serverlessmfa.core.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecoveryCodeGeneratorTest {

    @Test
    void producesValidCanonicalCodes() {
        RecoveryCodeGenerator generator = new RecoveryCodeGenerator(new SecureRandom());
        for (int i = 0; i < 100; i++) {
            RecoveryCode code = generator.generate();
            assertTrue(code.value().matches("[A-Z2-7]{24}"));
            assertEquals(code, RecoveryCode.parse(code.formatted()).orElseThrow());
        }
    }

    @Test
    void producedCodesDiffer() {
        RecoveryCodeGenerator generator = new RecoveryCodeGenerator(new SecureRandom());
        Set<RecoveryCode> codes = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            codes.add(generator.generate());
        }
        assertEquals(100, codes.size());
        assertNotEquals(generator.generate(), generator.generate());
    }

    @Test
    void usesEveryAlphabetCharacter() {
        // 15 bytes -> 24 characters with no partial group, so every character is uniform; over
        // 2,400 draws each of the 32 characters is expected about 75 times.
        RecoveryCodeGenerator generator = new RecoveryCodeGenerator(new SecureRandom());
        Set<Character> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            for (char c : generator.generate().value().toCharArray()) {
                seen.add(c);
            }
        }
        assertEquals(32, seen.size());
    }

    @Test
    void usesTheInjectedSecureRandom() throws NoSuchAlgorithmException {
        assertEquals(new RecoveryCodeGenerator(seeded()).generate(), new RecoveryCodeGenerator(seeded()).generate());
    }

    @Test
    void rejectsMissingRandom() {
        assertThrows(IllegalArgumentException.class, () -> new RecoveryCodeGenerator(null));
    }

    private static SecureRandom seeded() throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed("fixed test seed".getBytes(StandardCharsets.US_ASCII));
        return random;
    }
}
