package io.serverlessmfa.functions.token;

import io.serverlessmfa.functions.aws.AwsFailures;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
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

    /** Seals the PKCS#8 encoding of {@code key}; the plaintext copy is wiped. */
    byte[] seal(String kid, PrivateKey key) {
        byte[] plaintext = key.getEncoded();
        try {
            return kms.encrypt(request -> request.keyId(keyId).plaintext(SdkBytes.fromByteArray(plaintext))
                    .encryptionContext(context(kid))).ciphertextBlob().asByteArray();
        } catch (SdkException failure) {
            throw AwsFailures.kms("Encrypt", failure);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    PrivateKey unseal(String kid, byte[] sealed) {
        byte[] plaintext;
        try {
            plaintext = kms.decrypt(request -> request.keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(sealed))
                    .encryptionContext(context(kid))).plaintext().asByteArray();
        } catch (SdkException failure) {
            throw AwsFailures.kms("Decrypt", failure);
        }
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(plaintext));
        } catch (GeneralSecurityException corrupt) {
            throw new IllegalStateException("the sealed signing key " + kid + " is not a PKCS#8 EC key", corrupt);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    static Map<String, String> context(String kid) {
        return Map.of("purpose", PURPOSE, "kid", kid);
    }
}
