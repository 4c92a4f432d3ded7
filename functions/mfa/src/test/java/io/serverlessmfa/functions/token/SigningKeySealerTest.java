package io.serverlessmfa.functions.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The sealed form of a signing key: PKCS#8 with the RFC 5915 public key inside, checked on unsealing. */
class SigningKeySealerTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static SigningKey published(KeyPair pair) {
        ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
        return new SigningKey(SigningKey.thumbprint(publicKey), publicKey, Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void theSealedFormIsPkcs8ThatTheJdkReadsBackToTheSameKey() throws Exception {
        KeyPair pair = Es256.generate(RANDOM);

        byte[] form = SigningKeySealer.encode((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());

        assertEquals(138, form.length);
        ECPrivateKey read = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(form));
        assertEquals(((ECPrivateKey) pair.getPrivate()).getS(), read.getS());
        assertTrue(SigningKeySealer.carriesPublicKey(form, published(pair)));
    }

    @Test
    void aSealedFormOfAnotherPairIsNotTheHalfOfThePublishedKey() {
        KeyPair pair = Es256.generate(RANDOM);
        KeyPair other = Es256.generate(RANDOM);

        byte[] form = SigningKeySealer.encode((ECPrivateKey) other.getPrivate(), (ECPublicKey) other.getPublic());

        assertFalse(SigningKeySealer.carriesPublicKey(form, published(pair)));
    }

    @Test
    void aFormWithoutThePublicKeyOrWithAnyByteChangedIsRefused() {
        KeyPair pair = Es256.generate(RANDOM);
        byte[] form = SigningKeySealer.encode((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());

        assertFalse(SigningKeySealer.carriesPublicKey(pair.getPrivate().getEncoded(), published(pair)),
                "the JDK's own PKCS#8 carries no public key");
        for (int index : new int[] {0, 20, 36, 68, 70, 75, 137}) {
            byte[] changed = form.clone();
            changed[index] ^= 1;
            boolean inTheScalar = index >= 36 && index < 68;
            assertEquals(inTheScalar, SigningKeySealer.carriesPublicKey(changed, published(pair)),
                    "byte " + index + (inTheScalar ? " is d: only the EC key itself could tell" : " is checked"));
        }
    }
}
