package io.serverlessmfa.core.recovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class HashedRecoveryCodeTest {

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Test
    void copiesArraysOnTheWayIn() {
        byte[] salt = filled(16, 1);
        byte[] hash = filled(32, 2);
        HashedRecoveryCode stored = new HashedRecoveryCode(salt, hash);
        salt[0] = 9;
        hash[0] = 9;
        assertArrayEquals(filled(16, 1), stored.salt());
        assertArrayEquals(filled(32, 2), stored.hash());
    }

    @Test
    void copiesArraysOnTheWayOut() {
        HashedRecoveryCode stored = new HashedRecoveryCode(filled(16, 1), filled(32, 2));
        stored.salt()[0] = 9;
        stored.hash()[0] = 9;
        assertArrayEquals(filled(16, 1), stored.salt());
        assertArrayEquals(filled(32, 2), stored.hash());
    }

    @Test
    void equalityIsByContent() {
        HashedRecoveryCode a = new HashedRecoveryCode(filled(16, 1), filled(32, 2));
        HashedRecoveryCode b = new HashedRecoveryCode(filled(16, 1), filled(32, 2));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new HashedRecoveryCode(filled(16, 1), filled(32, 3)));
        assertNotEquals(a, new HashedRecoveryCode(filled(16, 3), filled(32, 2)));
    }

    @Test
    void rejectsWrongLengths() {
        assertThrows(IllegalArgumentException.class, () -> new HashedRecoveryCode(filled(15, 1), filled(32, 2)));
        assertThrows(IllegalArgumentException.class, () -> new HashedRecoveryCode(filled(17, 1), filled(32, 2)));
        assertThrows(IllegalArgumentException.class, () -> new HashedRecoveryCode(filled(16, 1), filled(31, 2)));
        assertThrows(IllegalArgumentException.class, () -> new HashedRecoveryCode(filled(16, 1), filled(33, 2)));
        assertThrows(IllegalArgumentException.class, () -> new HashedRecoveryCode(null, filled(32, 2)));
        assertThrows(IllegalArgumentException.class, () -> new HashedRecoveryCode(filled(16, 1), null));
    }

    @Test
    void toStringDoesNotContainTheBytes() {
        byte[] salt = filled(16, 0xAB);
        byte[] hash = filled(32, 0xCD);
        String text = new HashedRecoveryCode(salt, hash).toString();
        assertFalse(text.toLowerCase(Locale.ROOT).contains("abab"));
        assertFalse(text.toLowerCase(Locale.ROOT).contains("cdcd"));
        assertFalse(text.contains(Arrays.toString(salt)));
        assertFalse(text.contains(HexFormat.of().formatHex(hash)));
        assertFalse(text.contains("-85"), "signed byte rendering of 0xAB");
    }
}
