package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.totp.TotpVerifier;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code POST /mfa/remove}: ENABLED → NONE only with proof of the second factor (Cognito lets MFA
 * be removed without one: a known complaint); PENDING → NONE without. The encrypted secret and the
 * recovery hashes go in one conditional delete. Thread-safe.
 */
public final class RemoveMfa {

    private final EnrollmentStore store;
    private final SecretDecryptor decryptor;
    private final TotpVerifier verifier;
    private final RecoveryCodeIssuer recoveryCodes;
    private final Clock clock;
    private final Attempts attempts;

    public RemoveMfa(EnrollmentStore store, SecretDecryptor decryptor, TotpVerifier verifier,
                     RecoveryCodeIssuer recoveryCodes, MfaPolicy policy, Clock clock) {
        this.store = store;
        this.decryptor = decryptor;
        this.verifier = verifier;
        this.recoveryCodes = recoveryCodes;
        this.clock = clock;
        this.attempts = new Attempts(store, policy);
    }

    /**
     * Removes MFA, or cancels a pending setup (no proof needed).
     *
     * @return what was removed: {@link EnrollmentStatus#ENABLED} or {@link EnrollmentStatus#PENDING}
     */
    public EnrollmentStatus remove(RequestOrigin origin, String userId, Optional<SecondFactorProof> proof) {
        return attempts.retryingOnConflict(() -> {
            Instant now = clock.instant();
            Enrollment enrollment = store.find(userId)
                    .orElseThrow(() -> new MfaRejection(MfaRejection.Reason.MFA_NOT_ENABLED));
            switch (enrollment.effectiveStatus(now)) {
                case NONE -> throw new MfaRejection(MfaRejection.Reason.MFA_NOT_ENABLED);
                case PENDING -> {
                    // Cancelling would delete the lock with the record, and a new setup would then
                    // start unlocked: a lock outlives a cancelled setup as it outlives a restarted one.
                    attempts.rejectIfLocked(enrollment, now);
                    store.delete(enrollment, SecurityEvent.of(SecurityEventType.SETUP_CANCELLED, now, origin));
                    return EnrollmentStatus.PENDING;
                }
                case ENABLED -> { }
            }
            SecondFactorProof offered = proof.orElseThrow(() -> new MfaRejection(MfaRejection.Reason.PROOF_REQUIRED));
            attempts.rejectIfLocked(enrollment, now);
            if (offered instanceof SecondFactorProof.Totp totp) {
                attempts.acceptOrFail(origin, enrollment, totp.code(), now, decryptor, verifier);
            } else if (offered instanceof SecondFactorProof.Recovery recovery) {
                if (recoveryCodes.hasher().findMatch(recovery.code(), enrollment.recoveryCodes()).isEmpty()) {
                    throw attempts.fail(origin, enrollment, now, MfaRejection.Reason.INVALID_RECOVERY_CODE);
                }
            }
            store.delete(enrollment, SecurityEvent.of(SecurityEventType.MFA_REMOVED, now, origin));
            return EnrollmentStatus.ENABLED;
        });
    }
}
