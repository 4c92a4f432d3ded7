package io.serverlessmfa.functions.token;

import io.serverlessmfa.functions.aws.AwsFailures;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Seals a token signing key's private half under the service's KMS key, and unseals it. The
 * encryption context names the purpose and the kid (KMS Developer Guide, "Encryption context"), so
 * a sealed key copied into another key's item, or a sealed TOTP secret offered as a signing key,
 * does not decrypt; and CloudTrail records which key every Decrypt was for.
 */
public final class SigningKeySealer {

    static final String PURPOSE = "mfa-token-signing-key";

    private final KmsClient kms;
    private final String keyId;

    public SigningKeySealer(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    /**
     * Seals the private half of {@code pair} in its PKCS#8 form with the public key inside
     * ({@link #encode}); the plaintext copy is wiped.
     */
    byte[] seal(String kid, KeyPair pair) {
        byte[] plaintext = encode((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
        try {
            return kms.encrypt(request -> request.keyId(keyId).plaintext(SdkBytes.fromByteArray(plaintext))
                    .encryptionContext(context(kid))).ciphertextBlob().asByteArray();
        } catch (SdkException failure) {
            throw AwsFailures.kms("Encrypt", failure);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * The private half of {@code published}. The sealed form must carry that very public key: a
     * sealed key of another pair is refused (the KMS context already refuses one sealed under
     * another kid), at no EC cost on a container's first token.
     */
    PrivateKey unseal(SigningKey published, byte[] sealed) {
        byte[] plaintext;
        try {
            plaintext = kms.decrypt(request -> request.keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(sealed))
                    .encryptionContext(context(published.kid()))).plaintext().asByteArray();
        } catch (SdkException failure) {
            throw AwsFailures.kms("Decrypt", failure);
        }
        try {
            if (!carriesPublicKey(plaintext, published)) {
                throw new IllegalStateException("the sealed signing key " + published.kid() + " is not the private half of its published key");
            }
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(plaintext));
        } catch (GeneralSecurityException corrupt) {
            throw new IllegalStateException("the sealed signing key " + published.kid() + " is not a PKCS#8 EC key", corrupt);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /*
     * The sealed form: PKCS#8 (RFC 5208 PrivateKeyInfo, algorithm id-ecPublicKey on prime256v1)
     * holding an RFC 5915 ECPrivateKey with its optional publicKey [1], the uncompressed point
     * (SEC 1 v2 §2.3.3), as OpenSSL writes it. For P-256 every length is fixed, so the form is a
     * fixed prefix, d (32 bytes), a fixed separator and X || Y (32 bytes each): 138 bytes.
     */
    private static final byte[] PREFIX = HexFormat.of().parseHex(
            "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420");
    private static final byte[] BEFORE_POINT = HexFormat.of().parseHex("a14403420004");
    private static final int SCALAR_BYTES = SigningKey.COORDINATE_BYTES;
    static final int SEALED_FORM_BYTES = PREFIX.length + SCALAR_BYTES + BEFORE_POINT.length + 2 * SCALAR_BYTES;

    static byte[] encode(ECPrivateKey privateKey, ECPublicKey publicKey) {
        byte[] form = new byte[SEALED_FORM_BYTES];
        int at = put(form, 0, PREFIX);
        at = putFixed(form, at, privateKey.getS());
        at = put(form, at, BEFORE_POINT);
        at = putFixed(form, at, publicKey.getW().getAffineX());
        putFixed(form, at, publicKey.getW().getAffineY());
        return form;
    }

    /** Whether {@code plaintext} is the sealed form and its point is {@code published}'s. */
    static boolean carriesPublicKey(byte[] plaintext, SigningKey published) {
        if (plaintext.length != SEALED_FORM_BYTES
                || !Arrays.equals(plaintext, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
            return false;
        }
        int separator = PREFIX.length + SCALAR_BYTES;
        int point = separator + BEFORE_POINT.length;
        byte[] expected = new byte[2 * SCALAR_BYTES];
        putFixed(expected, putFixed(expected, 0, published.publicKey().getW().getAffineX()), published.publicKey().getW().getAffineY());
        return Arrays.equals(plaintext, separator, point, BEFORE_POINT, 0, BEFORE_POINT.length)
                && Arrays.equals(plaintext, point, plaintext.length, expected, 0, expected.length);
    }

    private static int put(byte[] into, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, into, at, bytes.length);
        return at + bytes.length;
    }

    /** {@code value} as an unsigned big-endian integer of exactly 32 bytes; the temporary copy is wiped. */
    private static int putFixed(byte[] into, int at, BigInteger value) {
        byte[] bytes = value.toByteArray();
        int length = Math.min(bytes.length, SCALAR_BYTES);
        System.arraycopy(bytes, bytes.length - length, into, at + SCALAR_BYTES - length, length);
        Arrays.fill(bytes, (byte) 0);
        return at + SCALAR_BYTES;
    }

    static Map<String, String> context(String kid) {
        return Map.of("purpose", PURPOSE, "kid", kid);
    }
}
