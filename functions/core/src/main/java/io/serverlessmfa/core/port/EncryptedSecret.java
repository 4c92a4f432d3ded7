package io.serverlessmfa.core.port;

import java.util.Arrays;

/**
 * A TOTP secret as ciphertext from the {@link SecretEncryptor}: the only form in which a secret is
 * ever stored. Immutable: the bytes are copied in and out.
 */
public record EncryptedSecret(byte[] ciphertext) {

    public EncryptedSecret {
        if (ciphertext == null || ciphertext.length == 0) {
            throw new IllegalArgumentException("ciphertext must not be empty");
        }
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EncryptedSecret that && Arrays.equals(ciphertext, that.ciphertext);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ciphertext);
    }

    @Override
    public String toString() {
        return "EncryptedSecret[" + ciphertext.length + " bytes]";
    }
}
