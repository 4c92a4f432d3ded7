package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.totp.TotpCode;
import io.serverlessmfa.core.totp.TotpVerifier;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code POST /mfa/verify}: the second factor at sign-in. Three AWS calls: a read, Decrypt and
 * the conditional write that records the accepted step, so a code can never be used twice even by
 * two parallel requests. Thread-safe.
 */
public final class VerifyCode {

    private final EnrollmentStore store;
    private final SecretDecryptor decryptor;
    private final TotpVerifier verifier;
    private final Clock clock;
    private final Attempts attempts;

    public VerifyCode(EnrollmentStore store, SecretDecryptor decryptor, TotpVerifier verifier,
                      MfaPolicy policy, Clock clock) {
        this.store = store;
        this.decryptor = decryptor;
        this.verifier = verifier;
        this.clock = clock;
        this.attempts = new Attempts(store, policy);
    }

    /** Returns normally when the code is accepted; throws {@link MfaRejection} otherwise. */
    public void verify(RequestOrigin origin, String userId, TotpCode code) {
        attempts.retryingOnConflict(() -> {
            Instant now = clock.instant();
            Enrollment enrollment = attempts.enabledAndUnlocked(userId, now);
            long step = attempts.acceptOrFail(origin, enrollment, code, now, decryptor, verifier);
            // Signing in is not a change of the user's security settings: no audit event.
            store.replace(enrollment, enrollment.withAcceptedStep(step), Optional.empty());
            return null;
        });
    }
}
