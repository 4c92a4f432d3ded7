package io.serverlessmfa.core.totp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SecretKeysTest {

    @ParameterizedTest
    @EnumSource(HmacAlgorithm.class)
    void namesTheKeyAfterTheMac(HmacAlgorithm algorithm) {
        SecretKey key = SecretKeys.forTotp(new byte[] {1, 2, 3}, algorithm);
        assertEquals(algorithm.macName(), key.getAlgorithm());
        assertEquals("RAW", key.getFormat());
    }

    @Test
    void copiesTheSecretSoTheCallerCanWipeIt() {
        byte[] secret = {1, 2, 3, 4};
        SecretKey key = SecretKeys.forTotp(secret, HmacAlgorithm.SHA1);
        secret[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3, 4}, key.getEncoded());
    }

    @Test
    void rejectsEmptyOrMissingSecretAndMissingAlgorithm() {
        assertThrows(IllegalArgumentException.class, () -> SecretKeys.forTotp(new byte[0], HmacAlgorithm.SHA1));
        assertThrows(IllegalArgumentException.class, () -> SecretKeys.forTotp(null, HmacAlgorithm.SHA1));
        assertThrows(IllegalArgumentException.class, () -> SecretKeys.forTotp(new byte[] {1}, null));
    }
}
