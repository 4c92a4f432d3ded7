package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code POST /mfa/remove}: ENABLED → NONE only with proof of the second factor (Cognito lets MFA
 * be removed without one: a known complaint); PENDING → NONE without. The encrypted secret and the
 * recovery hashes go in one conditional delete. Thread-safe.
 */
public final class RemoveMfa {

    private final CodeCheck codes;
    private final Attempts attempts;
    private final RecoveryCodeIssuer recoveryCodes;

    public RemoveMfa(CodeCheck codes, RecoveryCodeIssuer recoveryCodes) {
        this.codes = codes;
        this.attempts = codes.attempts();
        this.recoveryCodes = recoveryCodes;
    }

    /**
     * Removes MFA, or cancels a pending setup (no proof needed).
     *
     * @return what was removed: {@link EnrollmentStatus#ENABLED} or {@link EnrollmentStatus#PENDING}
     */
    public EnrollmentStatus remove(RequestOrigin origin, String userId, Optional<SecondFactorProof> proof) {
        return attempts.retryingOnConflict(() -> {
            Instant now = attempts.now();
            EffectiveEnrollment seen = EffectiveEnrollment.of(attempts.store().find(userId), now);
            if (seen instanceof Enrollment.Pending pending) {
                // A lock outlives a cancelled setup as it outlives a restarted one: the running
                // lock refuses the cancel, and the count is kept with the removal.
                attempts.rejectIfLocked(pending, now);
                try {
                    attempts.store().cancelPending(pending, SecurityEvent.of(SecurityEventType.SETUP_CANCELLED, now, origin),
                            attempts.policy().setupChanges().windowAt(now));
                } catch (SetupChangeLimitReachedException limit) {
                    throw attempts.tooManySetupChanges(limit);
                }
                return EnrollmentStatus.PENDING;
            }
            if (!(seen instanceof Enrollment.Enabled enrollment)) {
                throw new MfaRejection(MfaRejection.Reason.MFA_NOT_ENABLED);
            }
            SecondFactorProof offered = proof.orElseThrow(() -> new MfaRejection(MfaRejection.Reason.PROOF_REQUIRED));
            attempts.rejectIfLocked(enrollment, now);
            if (offered instanceof SecondFactorProof.Totp totp) {
                codes.acceptOrFail(origin, enrollment, totp.code(), now);
            } else if (offered instanceof SecondFactorProof.Recovery recovery) {
                if (recoveryCodes.hasher().findMatch(userId, recovery.code(), enrollment.recoveryCodes()).isEmpty()) {
                    throw attempts.fail(origin, enrollment, now, MfaRejection.Reason.INVALID_RECOVERY_CODE);
                }
            }
            attempts.store().delete(enrollment, SecurityEvent.of(SecurityEventType.MFA_REMOVED, now, origin));
            return EnrollmentStatus.ENABLED;
        });
    }
}
