package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.port.EnrollmentStore;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.totp.TotpCode;
import io.serverlessmfa.core.totp.TotpVerifier;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code POST /mfa/recovery-codes}: a current TOTP code replaces every recovery code; the old
 * ones stop working in the same write. Thread-safe.
 */
public final class RegenerateRecoveryCodes {

    private final EnrollmentStore store;
    private final SecretDecryptor decryptor;
    private final TotpVerifier verifier;
    private final RecoveryCodeIssuer recoveryCodes;
    private final MfaPolicy policy;
    private final Clock clock;
    private final Attempts attempts;

    public RegenerateRecoveryCodes(EnrollmentStore store, SecretDecryptor decryptor, TotpVerifier verifier,
                                   RecoveryCodeIssuer recoveryCodes, MfaPolicy policy, Clock clock) {
        this.store = store;
        this.decryptor = decryptor;
        this.verifier = verifier;
        this.recoveryCodes = recoveryCodes;
        this.policy = policy;
        this.clock = clock;
        this.attempts = new Attempts(store, policy);
    }

    /** @return the new recovery codes, shown this once */
    public List<RecoveryCode> regenerate(String userId, TotpCode code) {
        return attempts.retryingOnConflict(() -> {
            Instant now = clock.instant();
            Enrollment enrollment = store.find(userId)
                    .orElseThrow(() -> new MfaRejection(MfaRejection.Reason.MFA_NOT_ENABLED));
            attempts.requireEnabled(enrollment, now);
            attempts.rejectIfLocked(enrollment, now);
            OptionalLong step = attempts.acceptedStep(enrollment, code, now, decryptor, verifier);
            if (step.isEmpty()) {
                throw attempts.fail(enrollment, now, MfaRejection.Reason.INVALID_CODE);
            }
            RecoveryCodeIssuer.Issued issued = recoveryCodes.issue(policy.recoveryCodeCount());
            store.replace(enrollment.withRecoveryCodes(step.getAsLong(), issued.hashes()));
            return issued.codes();
        });
    }
}
