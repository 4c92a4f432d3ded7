package io.serverlessmfa.functions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The MFA token signing keys as the tests see them: each stored item's {@code sealedPrivateKey}
 * unsealed with the emulator's KMS client and the encryption context the functions seal it under
 * ({@code purpose = mfa-token-signing-key}, {@code kid}), checked against the item's public
 * coordinates, and every form in which the private key could leak.
 */
public final class SigningKeys {

    /** The encryption context's purpose (SigningKeySealer's). */
    public static final String PURPOSE = "mfa-token-signing-key";

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private SigningKeys() {
    }

    /** One stored key, unsealed: its kid, the sealed bytes as stored, the PKCS#8 plaintext and the private scalar. */
    public record Unsealed(String kid, byte[] sealed, byte[] pkcs8, BigInteger d) {

        /** {@code d} as a JWK carries it (RFC 7518 §6.2.2.1): 32 bytes, big-endian. */
        public byte[] dBytes() {
            byte[] bytes = d.toByteArray();
            byte[] fixed = new byte[32];
            int length = Math.min(bytes.length, 32);
            System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
            return fixed;
        }

        /** Every text form of the private key: what a log line, an EMF document or a JSON body could hold. */
        public Map<String, String> textForms() {
            Map<String, String> forms = new LinkedHashMap<>();
            String label = "signing key " + kid + ": ";
            forms.put(label + "PKCS#8, Base64", Base64.getEncoder().encodeToString(pkcs8));
            forms.put(label + "PKCS#8, base64url", BASE64URL.encodeToString(pkcs8));
            forms.put(label + "PKCS#8, hex", HexFormat.of().formatHex(pkcs8));
            forms.put(label + "PKCS#8, upper-case hex", HexFormat.of().withUpperCase().formatHex(pkcs8));
            // A PEM file breaks Base64 into 64-character lines: the first line is a form of its own.
            forms.put(label + "PKCS#8, PEM's first line", Base64.getEncoder().encodeToString(pkcs8).substring(0, 64));
            forms.put(label + "d, base64url (the JWK member)", BASE64URL.encodeToString(dBytes()));
            forms.put(label + "d, Base64", Base64.getEncoder().encodeToString(dBytes()));
            forms.put(label + "d, hex", HexFormat.of().formatHex(dBytes()));
            forms.put(label + "d, upper-case hex", HexFormat.of().withUpperCase().formatHex(dBytes()));
            forms.put(label + "d, decimal", d.toString());
            return forms;
        }

        /** The text forms as ASCII bytes, and the raw PKCS#8 and raw {@code d}: what a table attribute could hold. */
        public Map<String, byte[]> byteForms() {
            Map<String, byte[]> forms = new LinkedHashMap<>();
            forms.put("signing key " + kid + ": PKCS#8, raw", pkcs8);
            forms.put("signing key " + kid + ": d, raw 32 bytes", dBytes());
            textForms().forEach((what, text) -> forms.put(what, text.getBytes(StandardCharsets.US_ASCII)));
            return forms;
        }
    }

    /**
     * Every signing key in the emulator's table, unsealed. Each must decrypt under its own kid's
     * context and be the private half of the item's public key (a signature made with it verifies
     * under {@code x}, {@code y}): so the forms searched for are those of the real key.
     */
    public static List<Unsealed> unsealAll(AwsEmulator emulator) {
        List<Unsealed> keys = new ArrayList<>();
        for (Map<String, AttributeValue> item : new RawItems(emulator).signingKeys()) {
            String kid = item.get("kid").s();
            byte[] sealed = item.get("sealedPrivateKey").b().asByteArray();
            byte[] pkcs8 = emulator.kms().decrypt(request -> request.ciphertextBlob(SdkBytes.fromByteArray(sealed))
                    .encryptionContext(Map.of("purpose", PURPOSE, "kid", kid))).plaintext().asByteArray();
            try {
                KeyFactory factory = KeyFactory.getInstance("EC");
                ECPrivateKey privateKey = (ECPrivateKey) factory.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                ECPublicKey publicKey = (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(new ECPoint(
                        coordinate(item.get("x").s()), coordinate(item.get("y").s())), privateKey.getParams()));
                byte[] message = kid.getBytes(StandardCharsets.US_ASCII);
                Signature signer = Signature.getInstance("SHA256withECDSA");
                signer.initSign(privateKey);
                signer.update(message);
                byte[] signature = signer.sign();
                Signature verifier = Signature.getInstance("SHA256withECDSA");
                verifier.initVerify(publicKey);
                verifier.update(message);
                assertTrue(verifier.verify(signature), "the unsealed key " + kid + " is the private half of its published key");
                keys.add(new Unsealed(kid, sealed, pkcs8, privateKey.getS()));
            } catch (GeneralSecurityException notAKey) {
                throw new AssertionError("the sealed key " + kid + " does not unseal to a P-256 key pair", notAKey);
            }
        }
        return keys;
    }

    /** The forms of an MFA token that must never be logged: the whole token and each of its parts. */
    public static Map<String, String> tokenForms(String label, String compact) {
        String[] parts = compact.split("\\.");
        assertEquals(3, parts.length, "a compact JWS: " + compact);
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put(label + ", whole", compact);
        forms.put(label + ", payload", parts[1]);
        forms.put(label + ", signature", parts[2]);
        return forms;
    }

    private static BigInteger coordinate(String base64url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
    }
}
