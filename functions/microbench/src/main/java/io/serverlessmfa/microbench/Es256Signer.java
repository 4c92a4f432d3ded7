package io.serverlessmfa.microbench;

import io.serverlessmfa.core.token.MfaTokenSigner;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;

/**
 * The token signer's CPU work with no store or key service: one ES256 signature (the JDK's P-256
 * ECDSA, as the functions' signer) over the claims, with a key made at start.
 */
final class Es256Signer implements MfaTokenSigner {

    private final KeyPair key;
    private final SecureRandom random;

    Es256Signer(SecureRandom random) {
        this.random = random;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            this.key = generator.generateKeyPair();
        } catch (GeneralSecurityException missing) {
            throw new IllegalStateException(missing);
        }
    }

    @Override
    public Ready prepare(Instant now) {
        return claims -> {
            try {
                Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
                signature.initSign(key.getPrivate(), random);
                byte[] payload = claims.toString().getBytes(StandardCharsets.UTF_8);
                signature.update(payload);
                return Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + "."
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
            } catch (GeneralSecurityException broken) {
                throw new IllegalStateException(broken);
            }
        };
    }
}
