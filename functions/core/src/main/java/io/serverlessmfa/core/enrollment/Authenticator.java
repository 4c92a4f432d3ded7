package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.port.EncryptedSecret;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One TOTP authenticator app: its secret, as KMS ciphertext, and the replay state that goes with
 * that secret. An enrollment holds one today; several per user would make this a list, the secret
 * and its last step staying together.
 *
 * @param secret           the KMS ciphertext of the TOTP secret
 * @param lastAcceptedStep the last time step a code was accepted for, empty if none: a code is
 *                         accepted once (RFC 6238 §5.2; NIST SP 800-63B §5.1.4.2)
 */
public record Authenticator(EncryptedSecret secret, OptionalLong lastAcceptedStep) {

    public Authenticator {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(lastAcceptedStep, "lastAcceptedStep");
    }

    /** A new secret, no code accepted yet. */
    public static Authenticator fresh(EncryptedSecret secret) {
        return new Authenticator(secret, OptionalLong.empty());
    }

    /** The same secret with {@code step} accepted. */
    public Authenticator accepted(long step) {
        return new Authenticator(secret, OptionalLong.of(step));
    }

    /**
     * The step a code must lie after, in {@link io.serverlessmfa.core.totp.TotpVerifier}'s terms
     * ({@link Long#MIN_VALUE}: none accepted yet, so no step is refused as a replay).
     */
    long replayFloor() {
        return lastAcceptedStep.orElse(Long.MIN_VALUE);
    }
}
