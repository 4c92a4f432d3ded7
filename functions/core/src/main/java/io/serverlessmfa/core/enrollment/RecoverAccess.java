package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.recovery.RecoveryCode;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code POST /mfa/recover}: sign in with a recovery code. The code is consumed and a new one
 * issued in its place in the same conditional write, so a used code never lingers and its
 * replacement is never lost (NIST SP 800-63B §5.1.2: look-up secrets are used once). Two AWS
 * calls, no key service. Thread-safe.
 */
public final class RecoverAccess {

    private final Attempts attempts;
    private final RecoveryCodeIssuer recoveryCodes;

    /** No {@link CodeCheck}: recovery never decrypts, and its function has no KMS client. */
    public RecoverAccess(Attempts attempts, RecoveryCodeIssuer recoveryCodes) {
        this.attempts = attempts;
        this.recoveryCodes = recoveryCodes;
    }

    /** @return the recovery code that replaces the one used, shown this once */
    public RecoveryCode recover(RequestOrigin origin, String userId, RecoveryCode code) {
        return attempts.retryingOnConflict(() -> {
            Instant now = attempts.now();
            Enrollment.Enabled enrollment = attempts.enabledAndUnlocked(userId, now);
            OptionalInt match = recoveryCodes.hasher().findMatch(code, enrollment.recoveryCodes());
            if (match.isEmpty()) {
                throw attempts.fail(origin, enrollment, now, MfaRejection.Reason.INVALID_RECOVERY_CODE);
            }
            RecoveryCodeIssuer.Issued replacement = recoveryCodes.issue(1);
            attempts.store().replace(enrollment,
                    enrollment.withRecoveryCodeReplaced(match.getAsInt(), replacement.hashes().get(0)),
                    Optional.of(SecurityEvent.of(SecurityEventType.RECOVERY_CODE_USED, now, origin)));
            return replacement.codes().get(0);
        });
    }
}
