package io.serverlessmfa.microbench;

import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptResponse;

/**
 * KMS without its round trip, as {@link PassThroughCipher} is for the TOTP secrets: Encrypt's
 * "ciphertext" is the plaintext itself and Decrypt gives it back. What remains is what
 * {@code SigningKeySealer} does around the calls (PKCS#8 encoding and parsing, wiping the copies).
 */
final class PassThroughKms implements KmsClient {

    private int decrypts;

    @Override
    public EncryptResponse encrypt(EncryptRequest request) {
        return EncryptResponse.builder().keyId(request.keyId()).ciphertextBlob(request.plaintext()).build();
    }

    @Override
    public DecryptResponse decrypt(DecryptRequest request) {
        decrypts++;
        return DecryptResponse.builder().keyId(request.keyId()).plaintext(request.ciphertextBlob()).build();
    }

    /** How many Decrypt calls were made: one per key, then none. */
    int decrypts() {
        return decrypts;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
