package io.serverlessmfa.core.port;

/**
 * The stored ciphertext does not decrypt for this user: it was tampered with or copied from
 * another user's record. Never caused by a client request; verification fails closed.
 */
public final class SecretIntegrityException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SecretIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
