package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import java.time.Instant;
import java.util.Optional;

/**
 * The helpdesk reset: an operator removes a user's MFA (enabled or pending, locked or not) after
 * checking the user's identity out of band, so the next sign-in sets MFA up anew. The secret, the
 * recovery hashes and any lock go; the audit trail keeps who did it.
 */
public final class ResetMfa {

    private final Attempts attempts;

    public ResetMfa(Attempts attempts) {
        this.attempts = attempts;
    }

    /**
     * @return the status that was removed (ENABLED or PENDING)
     * @throws MfaRejection MFA_NOT_ENABLED when the user has nothing to reset
     */
    public EnrollmentStatus reset(RequestOrigin origin, String operatorId, String userId) {
        return attempts.retryingOnConflict(() -> {
            Instant now = attempts.now();
            Enrollment enrollment = attempts.store().find(userId)
                    .orElseThrow(() -> new MfaRejection(MfaRejection.Reason.MFA_NOT_ENABLED));
            attempts.store().delete(enrollment, new SecurityEvent(SecurityEventType.ADMIN_RESET, now, origin, Optional.of(operatorId)));
            return enrollment.status();
        });
    }
}
