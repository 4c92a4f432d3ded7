package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.port.SecretEncryptor;
import io.serverlessmfa.core.port.SecretIntegrityException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A stand-in for KMS with an encryption context: the ciphertext is SHA-256(userId) followed by the
 * secret XORed with a key stream derived from the user id. Decrypting for another user fails with
 * {@link SecretIntegrityException}, as KMS does when the encryption context differs. Not secure;
 * it only keeps the plaintext out of the store and binds the ciphertext to the user.
 */
final class UserBoundTestCipher implements SecretEncryptor, SecretDecryptor {

    private static final int TAG_BYTES = 32;

    private RuntimeException encryptFailure;
    private RuntimeException decryptFailure;
    private int encryptCalls;
    private int decryptCalls;

    @Override
    public synchronized EncryptedSecret encrypt(String userId, byte[] secret) {
        encryptCalls++;
        if (encryptFailure != null) {
            RuntimeException failure = encryptFailure;
            encryptFailure = null;
            throw failure;
        }
        byte[] out = new byte[TAG_BYTES + secret.length];
        System.arraycopy(sha256("context:" + userId), 0, out, 0, TAG_BYTES);
        byte[] stream = keyStream(userId, secret.length);
        for (int i = 0; i < secret.length; i++) {
            out[TAG_BYTES + i] = (byte) (secret[i] ^ stream[i]);
        }
        return new EncryptedSecret(out);
    }

    @Override
    public synchronized byte[] decrypt(String userId, EncryptedSecret secret) {
        decryptCalls++;
        if (decryptFailure != null) {
            RuntimeException failure = decryptFailure;
            decryptFailure = null;
            throw failure;
        }
        byte[] in = secret.ciphertext();
        if (in.length <= TAG_BYTES
                || !MessageDigest.isEqual(Arrays.copyOf(in, TAG_BYTES), sha256("context:" + userId))) {
            throw new SecretIntegrityException("ciphertext does not belong to this user", null);
        }
        int length = in.length - TAG_BYTES;
        byte[] stream = keyStream(userId, length);
        byte[] plain = new byte[length];
        for (int i = 0; i < length; i++) {
            plain[i] = (byte) (in[TAG_BYTES + i] ^ stream[i]);
        }
        return plain;
    }

    synchronized void failNextEncrypt(RuntimeException failure) {
        encryptFailure = failure;
    }

    synchronized void failNextDecrypt(RuntimeException failure) {
        decryptFailure = failure;
    }

    synchronized int encryptCalls() {
        return encryptCalls;
    }

    synchronized int decryptCalls() {
        return decryptCalls;
    }

    private static byte[] keyStream(String userId, int length) {
        byte[] stream = new byte[length];
        for (int block = 0; block * TAG_BYTES < length; block++) {
            byte[] part = sha256("stream:" + block + ":" + userId);
            System.arraycopy(part, 0, stream, block * TAG_BYTES, Math.min(TAG_BYTES, length - block * TAG_BYTES));
        }
        return stream;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
