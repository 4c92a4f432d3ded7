package io.serverlessmfa.core.recovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RecoveryCodeHasherTest {

    private static final RecoveryCode CODE = new RecoveryCode("ABCDEFGHIJKLMNOPQRSTUVWX");
    private static final RecoveryCode OTHER = new RecoveryCode("ABCDEFGHIJKLMNOPQRSTUVWY");

    private final RecoveryCodeHasher hasher = new RecoveryCodeHasher(new SecureRandom());

    @Test
    void hashIsSha256OfSaltThenUtf8Code() throws Exception {
        HashedRecoveryCode stored = hasher.hash(CODE);
        assertEquals(RecoveryCodeHasher.SALT_BYTES, stored.salt().length);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(stored.salt());
        sha256.update(CODE.value().getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(sha256.digest(), stored.hash());
    }

    @Test
    void matchesTheHashedCode() {
        assertTrue(hasher.matches(CODE, hasher.hash(CODE)));
    }

    @Test
    void matchesTheCodeParsedFromItsFormattedForm() {
        HashedRecoveryCode stored = hasher.hash(CODE);
        assertTrue(hasher.matches(RecoveryCode.parse("abcd efgh-ijkl mnop-qrst uvwx").orElseThrow(), stored));
    }

    @Test
    void rejectsADifferentCode() {
        assertFalse(hasher.matches(OTHER, hasher.hash(CODE)));
    }

    @Test
    void sameCodeHashedTwiceGetsDifferentSaltsAndHashes() {
        HashedRecoveryCode first = hasher.hash(CODE);
        HashedRecoveryCode second = hasher.hash(CODE);
        assertFalse(Arrays.equals(first.salt(), second.salt()));
        assertFalse(Arrays.equals(first.hash(), second.hash()));
        assertTrue(hasher.matches(CODE, first));
        assertTrue(hasher.matches(CODE, second));
    }

    @Test
    void findMatchReturnsTheIndexOfTheMatchingHash() {
        RecoveryCodeGenerator generator = new RecoveryCodeGenerator(new SecureRandom());
        List<RecoveryCode> codes = new ArrayList<>();
        List<HashedRecoveryCode> stored = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RecoveryCode code = generator.generate();
            codes.add(code);
            stored.add(hasher.hash(code));
        }
        for (int i = 0; i < codes.size(); i++) {
            assertEquals(OptionalInt.of(i), hasher.findMatch(codes.get(i), stored));
        }
    }

    @Test
    void findMatchIsEmptyWhenNoHashMatches() {
        List<HashedRecoveryCode> stored = List.of(hasher.hash(CODE), hasher.hash(CODE));
        assertEquals(OptionalInt.empty(), hasher.findMatch(OTHER, stored));
        assertEquals(OptionalInt.empty(), hasher.findMatch(CODE, List.of()));
    }

    @Test
    void findMatchReturnsTheFirstOfDuplicateEntries() {
        List<HashedRecoveryCode> stored = List.of(hasher.hash(OTHER), hasher.hash(CODE), hasher.hash(CODE));
        assertEquals(OptionalInt.of(1), hasher.findMatch(CODE, stored));
    }

    @Test
    void rejectsMissingArguments() {
        HashedRecoveryCode stored = hasher.hash(CODE);
        assertThrows(IllegalArgumentException.class, () -> new RecoveryCodeHasher(null));
        assertThrows(IllegalArgumentException.class, () -> hasher.hash(null));
        assertThrows(IllegalArgumentException.class, () -> hasher.matches(null, stored));
        assertThrows(IllegalArgumentException.class, () -> hasher.matches(CODE, null));
        assertThrows(IllegalArgumentException.class, () -> hasher.findMatch(CODE, null));
        assertThrows(IllegalArgumentException.class, () -> hasher.findMatch(null, List.of(stored)));
    }
}
