package io.serverlessmfa.functions.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SigningKeyTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final ECPublicKey publicKey = (ECPublicKey) Es256.generate(RANDOM).getPublic();
    private final SigningKey key = new SigningKey(SigningKey.thumbprint(publicKey), publicKey, Instant.EPOCH, Instant.EPOCH);

    @Test
    void coordinatesAreAlways32BytesEvenWithLeadingZeros() {
        for (int i = 0; i < 200; i++) {
            ECPublicKey any = (ECPublicKey) Es256.generate(RANDOM).getPublic();
            SigningKey some = new SigningKey(SigningKey.thumbprint(any), any, Instant.EPOCH, Instant.EPOCH);
            assertEquals(32, Base64.getUrlDecoder().decode(some.x()).length);
            assertEquals(32, Base64.getUrlDecoder().decode(some.y()).length);
        }
    }

    @Test
    void aPublicKeyReadBackFromItsCoordinatesIsTheSameKey() {
        ECPublicKey read = SigningKey.publicKey(key.x(), key.y());

        assertEquals(publicKey.getW(), read.getW());
        assertEquals(key.kid(), SigningKey.thumbprint(read));
    }

    @Test
    void theKidIsTheThumbprintAndCannotBeChosen() {
        assertEquals(43, key.kid().length()); // SHA-256, base64url without padding
        assertThrows(IllegalArgumentException.class, () -> new SigningKey("chosen", publicKey, Instant.EPOCH, Instant.EPOCH));
    }

    @Test
    void aPointOffTheCurveIsNotAKey() {
        byte[] y = Base64.getUrlDecoder().decode(key.y());
        y[31] ^= 1;

        assertThrows(IllegalArgumentException.class,
                () -> SigningKey.publicKey(key.x(), Base64.getUrlEncoder().withoutPadding().encodeToString(y)));
    }
}
