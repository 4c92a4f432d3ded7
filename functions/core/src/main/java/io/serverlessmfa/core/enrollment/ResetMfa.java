package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.HelpdeskAction;
import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.ResetReason;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import java.time.Instant;
import java.util.Optional;

/**
 * The helpdesk reset: an operator removes a user's MFA (enabled or pending, locked or not) after
 * checking the user's identity out of band, so the next sign-in sets MFA up anew. The secret, the
 * recovery hashes and any lock go; in the same transaction the user's trail records that the
 * helpdesk acted and why, and the operator's own trail whom they reset, when and why (contract:
 * "Helpdesk routes"). An operator cannot reset themselves: their own MFA is removed with their own
 * second factor, or by another operator.
 */
public final class ResetMfa {

    private final Attempts attempts;

    public ResetMfa(Attempts attempts) {
        this.attempts = attempts;
    }

    /**
     * @return the status that was removed (ENABLED or PENDING)
     * @throws MfaRejection CANNOT_RESET_SELF when the operator is the user; MFA_NOT_ENABLED when the
     *                      user has nothing to reset
     */
    public EnrollmentStatus reset(RequestOrigin origin, String operatorId, String userId, ResetReason reason) {
        if (operatorId.equals(userId)) {
            throw new MfaRejection(MfaRejection.Reason.CANNOT_RESET_SELF);
        }
        HelpdeskAction action = new HelpdeskAction(operatorId, userId, Optional.of(reason));
        return attempts.retryingOnConflict(() -> {
            Instant now = attempts.now();
            Enrollment enrollment = attempts.store().find(userId)
                    .orElseThrow(() -> new MfaRejection(MfaRejection.Reason.MFA_NOT_ENABLED));
            attempts.store().delete(enrollment, new SecurityEvent(SecurityEventType.ADMIN_RESET, now, origin, Optional.of(action)),
                    Optional.of(new SecurityEvent(SecurityEventType.ADMIN_RESET_PERFORMED, now, origin, Optional.of(action))));
            return enrollment.status();
        });
    }
}
