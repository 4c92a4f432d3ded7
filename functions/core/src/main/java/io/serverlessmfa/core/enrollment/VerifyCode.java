package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.totp.TotpCode;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code POST /mfa/verify}: the second factor at sign-in. Three AWS calls: a read, Decrypt and
 * the conditional write that records the accepted step, so a code can never be used twice even by
 * two parallel requests. Thread-safe.
 */
public final class VerifyCode {

    private final CodeCheck codes;
    private final Attempts attempts;

    public VerifyCode(CodeCheck codes) {
        this.codes = codes;
        this.attempts = codes.attempts();
    }

    /** Returns normally when the code is accepted; throws {@link MfaRejection} otherwise. */
    public void verify(RequestOrigin origin, String userId, TotpCode code) {
        attempts.retryingOnConflict(() -> {
            Instant now = attempts.now();
            Enrollment.Enabled enrollment = attempts.enabledAndUnlocked(userId, now);
            long step = codes.acceptOrFail(origin, enrollment, code, now);
            // Signing in is not a change of the user's security settings: no audit event.
            attempts.store().replace(enrollment, enrollment.withAcceptedStep(step), Optional.empty());
            return null;
        });
    }
}
