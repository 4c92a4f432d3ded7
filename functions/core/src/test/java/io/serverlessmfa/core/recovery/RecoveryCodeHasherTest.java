package io.serverlessmfa.core.recovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class RecoveryCodeHasherTest {

    private static final RecoveryCode CODE = new RecoveryCode("ABCDEFGHIJKLMNOPQRSTUVWX");
    private static final RecoveryCode OTHER = new RecoveryCode("ABCDEFGHIJKLMNOPQRSTUVWY");
    private static final String ALICE = "user-alice";
    private static final String BOB = "user-bob";

    private final SecretKey key = randomKey();
    private final RecoveryCodeHasher hasher = new RecoveryCodeHasher(new SecureRandom(), () -> key);

    private static SecretKey randomKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    private static byte[] sha256(byte[] salt, RecoveryCode code) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(salt);
        sha256.update(code.value().getBytes(StandardCharsets.UTF_8));
        return sha256.digest();
    }

    @Test
    void hashIsHmacSha256OfDomainUserAndSaltedSha256UnderTheKey() throws Exception {
        HashedRecoveryCode stored = hasher.hash(ALICE, CODE);
        assertEquals(RecoveryCodeHasher.SALT_BYTES, stored.salt().length);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        mac.update("serverless-mfa recovery code v1\0".getBytes(StandardCharsets.US_ASCII));
        byte[] user = ALICE.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(4).putInt(user.length).array());
        mac.update(user);
        mac.update(sha256(stored.salt(), CODE));
        assertArrayEquals(mac.doFinal(), stored.hash());
    }

    @Test
    void matchesTheHashedCodeForTheSameUser() {
        assertTrue(hasher.matches(ALICE, CODE, hasher.hash(ALICE, CODE)));
    }

    @Test
    void matchesTheCodeParsedFromItsFormattedForm() {
        HashedRecoveryCode stored = hasher.hash(ALICE, CODE);
        assertTrue(hasher.matches(ALICE, RecoveryCode.parse("abcd efgh-ijkl mnop-qrst uvwx").orElseThrow(), stored));
    }

    @Test
    void rejectsADifferentCode() {
        assertFalse(hasher.matches(ALICE, OTHER, hasher.hash(ALICE, CODE)));
    }

    @Test
    void aHashCopiedToAnotherUserMatchesNothingThere() {
        assertFalse(hasher.matches(BOB, CODE, hasher.hash(ALICE, CODE)));
    }

    @Test
    void userIdsThatConcatenateAlikeAreStillDifferentUsers() {
        // Without the length prefix, ("ab", inner) and ("a", "b" + inner) would be one input.
        assertFalse(hasher.matches("user-a", CODE, hasher.hash("user-ab", CODE)));
    }

    @Test
    void aHashUnderAnotherKeyMatchesNothing() {
        HashedRecoveryCode underOtherKey = new RecoveryCodeHasher(new SecureRandom(), RecoveryCodeHasherTest::randomKey)
                .hash(ALICE, CODE);
        assertFalse(hasher.matches(ALICE, CODE, underOtherKey));
    }

    @Test
    void anUnkeyedSaltedSha256AsEarlierReleasesStoredItMatchesNothing() throws Exception {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        HashedRecoveryCode planted = new HashedRecoveryCode(salt, sha256(salt, CODE));
        assertFalse(hasher.matches(ALICE, CODE, planted));
    }

    @Test
    void aWrappedUnkeyedHashMatchesItsCodeForItsUserOnly() throws Exception {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        HashedRecoveryCode wrapped = hasher.wrap(ALICE, salt, sha256(salt, CODE));
        assertArrayEquals(salt, wrapped.salt());
        assertTrue(hasher.matches(ALICE, CODE, wrapped));
        assertFalse(hasher.matches(ALICE, OTHER, wrapped));
        assertFalse(hasher.matches(BOB, CODE, wrapped));
    }

    @Test
    void sameCodeHashedTwiceGetsDifferentSaltsAndHashes() {
        HashedRecoveryCode first = hasher.hash(ALICE, CODE);
        HashedRecoveryCode second = hasher.hash(ALICE, CODE);
        assertFalse(Arrays.equals(first.salt(), second.salt()));
        assertFalse(Arrays.equals(first.hash(), second.hash()));
        assertTrue(hasher.matches(ALICE, CODE, first));
        assertTrue(hasher.matches(ALICE, CODE, second));
    }

    @Test
    void findMatchReturnsTheIndexOfTheMatchingHash() {
        RecoveryCodeGenerator generator = new RecoveryCodeGenerator(new SecureRandom());
        List<RecoveryCode> codes = new ArrayList<>();
        List<HashedRecoveryCode> stored = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RecoveryCode code = generator.generate();
            codes.add(code);
            stored.add(hasher.hash(ALICE, code));
        }
        for (int i = 0; i < codes.size(); i++) {
            assertEquals(OptionalInt.of(i), hasher.findMatch(ALICE, codes.get(i), stored));
        }
    }

    @Test
    void findMatchIsEmptyWhenNoHashMatches() {
        List<HashedRecoveryCode> stored = List.of(hasher.hash(ALICE, CODE), hasher.hash(ALICE, CODE));
        assertEquals(OptionalInt.empty(), hasher.findMatch(ALICE, OTHER, stored));
        assertEquals(OptionalInt.empty(), hasher.findMatch(ALICE, CODE, List.of()));
    }

    @Test
    void findMatchReturnsTheFirstOfDuplicateEntries() {
        List<HashedRecoveryCode> stored = List.of(hasher.hash(ALICE, OTHER), hasher.hash(ALICE, CODE), hasher.hash(ALICE, CODE));
        assertEquals(OptionalInt.of(1), hasher.findMatch(ALICE, CODE, stored));
    }

    @Test
    void theKeyIsAskedForOncePerCheckAndNotAtAllWithoutHashes() {
        AtomicInteger asked = new AtomicInteger();
        RecoveryCodeHasher counting = new RecoveryCodeHasher(new SecureRandom(), () -> {
            asked.incrementAndGet();
            return key;
        });
        assertEquals(0, asked.get(), "not at construction");
        counting.findMatch(ALICE, CODE, List.of());
        assertEquals(0, asked.get(), "no hashes, no key");
        counting.findMatch(ALICE, CODE, List.of(hasher.hash(ALICE, CODE), hasher.hash(ALICE, OTHER)));
        assertEquals(1, asked.get());
    }

    @Test
    void rejectsMissingArguments() {
        HashedRecoveryCode stored = hasher.hash(ALICE, CODE);
        assertThrows(IllegalArgumentException.class, () -> new RecoveryCodeHasher(null, () -> key));
        assertThrows(IllegalArgumentException.class, () -> new RecoveryCodeHasher(new SecureRandom(), null));
        assertThrows(IllegalArgumentException.class, () -> hasher.hash(ALICE, null));
        assertThrows(IllegalArgumentException.class, () -> hasher.hash(null, CODE));
        assertThrows(IllegalArgumentException.class, () -> hasher.matches(ALICE, null, stored));
        assertThrows(IllegalArgumentException.class, () -> hasher.matches(ALICE, CODE, null));
        assertThrows(IllegalArgumentException.class, () -> hasher.findMatch(ALICE, CODE, null));
        assertThrows(IllegalArgumentException.class, () -> hasher.findMatch(ALICE, null, List.of(stored)));
        assertThrows(IllegalArgumentException.class, () -> hasher.wrap(ALICE, new byte[16], null));
        assertThrows(IllegalArgumentException.class, () -> hasher.wrap(ALICE, new byte[16], new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> hasher.wrap(ALICE, new byte[15], new byte[32]));
    }
}
