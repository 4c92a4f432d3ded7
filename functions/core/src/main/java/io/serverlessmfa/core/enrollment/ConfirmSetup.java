package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.totp.TotpCode;
import io.serverlessmfa.core.totp.TotpVerifier;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /mfa/confirm}: PENDING → ENABLED with the first code from the app. The confirming
 * code counts as used, and the recovery codes are issued in the same write. Thread-safe.
 */
public final class ConfirmSetup {

    private final EnrollmentStore store;
    private final SecretDecryptor decryptor;
    private final TotpVerifier verifier;
    private final RecoveryCodeIssuer recoveryCodes;
    private final MfaPolicy policy;
    private final Clock clock;
    private final Attempts attempts;

    public ConfirmSetup(EnrollmentStore store, SecretDecryptor decryptor, TotpVerifier verifier,
                        RecoveryCodeIssuer recoveryCodes, MfaPolicy policy, Clock clock) {
        this.store = store;
        this.decryptor = decryptor;
        this.verifier = verifier;
        this.recoveryCodes = recoveryCodes;
        this.policy = policy;
        this.clock = clock;
        this.attempts = new Attempts(store, policy);
    }

    /** @return the recovery codes, to be shown this once */
    public List<RecoveryCode> confirm(RequestOrigin origin, String userId, TotpCode code) {
        return attempts.retryingOnConflict(() -> {
            Instant now = clock.instant();
            Enrollment enrollment = store.find(userId)
                    .orElseThrow(() -> new MfaRejection(MfaRejection.Reason.NO_PENDING_SETUP));
            switch (enrollment.effectiveStatus(now)) {
                case NONE -> throw new MfaRejection(MfaRejection.Reason.NO_PENDING_SETUP);
                case ENABLED -> throw new MfaRejection(MfaRejection.Reason.MFA_ALREADY_ENABLED);
                case PENDING -> { }
            }
            attempts.rejectIfLocked(enrollment, now);
            long step = attempts.acceptOrFail(origin, enrollment, code, now, decryptor, verifier);
            RecoveryCodeIssuer.Issued issued = recoveryCodes.issue(policy.recoveryCodeCount());
            store.replace(enrollment, enrollment.confirmed(now, step, issued.hashes()),
                    Optional.of(SecurityEvent.of(SecurityEventType.MFA_ENABLED, now, origin)));
            return issued.codes();
        });
    }
}
