package io.serverlessmfa.core.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import javax.crypto.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class HmacAlgorithmTest {

    @Test
    void exposesJcaAndKeyUriNames() {
        assertEquals("HmacSHA1", HmacAlgorithm.SHA1.macName());
        assertEquals("HmacSHA256", HmacAlgorithm.SHA256.macName());
        assertEquals("HmacSHA512", HmacAlgorithm.SHA512.macName());
        assertEquals("SHA1", HmacAlgorithm.SHA1.keyUriName());
        assertEquals("SHA256", HmacAlgorithm.SHA256.keyUriName());
        assertEquals("SHA512", HmacAlgorithm.SHA512.keyUriName());
    }

    @ParameterizedTest
    @EnumSource(HmacAlgorithm.class)
    void macNameIsAvailableInTheRuntime(HmacAlgorithm algorithm) throws Exception {
        assertEquals(algorithm.macName(), Mac.getInstance(algorithm.macName()).getAlgorithm());
    }

    @Test
    void parsesNamesIgnoringCase() {
        assertEquals(HmacAlgorithm.SHA1, HmacAlgorithm.fromName("sha1"));
        assertEquals(HmacAlgorithm.SHA256, HmacAlgorithm.fromName("Sha256"));
        assertEquals(HmacAlgorithm.SHA512, HmacAlgorithm.fromName("SHA512"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"MD5", "SHA-1", "HmacSHA1", " SHA1", "SHA384"})
    void rejectsUnknownNames(String name) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> HmacAlgorithm.fromName(name));
        assertEquals("unsupported HMAC algorithm: expected SHA1, SHA256 or SHA512", error.getMessage());
    }
}
