package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.totp.SecretKeys;
import io.serverlessmfa.core.totp.TotpCode;
import io.serverlessmfa.core.totp.TotpVerifier;
import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Checks a TOTP code against an enrollment: decrypts the secret, verifies the code with replay
 * protection, wipes the secret, and counts a failure through {@link Attempts}. The one place the
 * plaintext secret exists on the request path. Thread-safe.
 */
public final class CodeCheck {

    private final Attempts attempts;
    private final SecretDecryptor decryptor;
    private final TotpVerifier verifier;

    public CodeCheck(Attempts attempts, SecretDecryptor decryptor, TotpVerifier verifier) {
        this.attempts = attempts;
        this.decryptor = decryptor;
        this.verifier = verifier;
    }

    /** The retries, the lock and the store the use cases that check a code also need. */
    Attempts attempts() {
        return attempts;
    }

    /** The time step the code is accepted for; otherwise the failure is counted and INVALID_CODE thrown. */
    long acceptOrFail(RequestOrigin origin, Enrollment enrollment, TotpCode code, Instant now) {
        OptionalLong step = acceptedStep(enrollment, code, now);
        if (step.isEmpty()) {
            throw attempts.fail(origin, enrollment, now, MfaRejection.Reason.INVALID_CODE);
        }
        return step.getAsLong();
    }

    /**
     * Decrypts the secret and checks the code against the window, refusing any step at or before
     * the last accepted one (RFC 6238 §5.2; NIST SP 800-63B §5.1.4.2: accept a code once).
     */
    private OptionalLong acceptedStep(Enrollment enrollment, TotpCode code, Instant now) {
        byte[] secret = decryptor.decrypt(enrollment.userId(), enrollment.authenticator().secret());
        try {
            return verifier.verify(SecretKeys.forTotp(secret, attempts.policy().totp().algorithm()), code, now,
                    enrollment.authenticator().replayFloor());
        } finally {
            // The plaintext lives only for this check: wiped, not left for the garbage collector.
            Arrays.fill(secret, (byte) 0);
        }
    }
}
