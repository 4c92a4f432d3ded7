package io.serverlessmfa.functions.token;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/**
 * ECDSA with P-256 and SHA-256, as JWS's ES256 (RFC 7518 §3.4): the signature is R || S, 32 bytes
 * each, which the JDK writes directly in its P1363 format (no DER to convert).
 */
final class Es256 {

    static final String ALGORITHM = "ES256";
    static final int SIGNATURE_BYTES = 64;
    private static final String JDK_SIGNATURE = "SHA256withECDSAinP1363Format";

    private Es256() {
    }

    /**
     * {@code random} is the function's own SecureRandom, which is reseeded after a SnapStart
     * restore: ECDSA's per-signature k must never repeat under one key, or the key can be
     * computed from two signatures (SEC 1 v2 §4.1.3; NIST FIPS 186-5 §6.4.1).
     */
    static byte[] sign(PrivateKey key, byte[] message, SecureRandom random) {
        try {
            Signature signature = Signature.getInstance(JDK_SIGNATURE);
            signature.initSign(key, random);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException broken) {
            throw new IllegalStateException("ES256 signing failed", broken);
        }
    }

    static boolean verify(ECPublicKey key, byte[] message, byte[] signatureBytes) {
        if (signatureBytes.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            Signature signature = Signature.getInstance(JDK_SIGNATURE);
            signature.initVerify(key);
            signature.update(message);
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException invalid) {
            return false;
        }
    }

    static KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException missing) {
            throw new IllegalStateException("P-256 is part of every JDK", missing);
        }
    }

    static ECParameterSpec curve() {
        try {
            java.security.AlgorithmParameters parameters = java.security.AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException missing) {
            throw new IllegalStateException("P-256 is part of every JDK", missing);
        }
    }
}
