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
    public List<RecoveryCode> regenerate(RequestOrigin origin, String userId, TotpCode code) {
        return attempts.retryingOnConflict(() -> {
            Instant now = clock.instant();
            Enrollment enrollment = attempts.enabledAndUnlocked(userId, now);
            long step = attempts.acceptOrFail(origin, enrollment, code, now, decryptor, verifier);
            RecoveryCodeIssuer.Issued issued = recoveryCodes.issue(policy.recoveryCodeCount());
            store.replace(enrollment, enrollment.withRecoveryCodes(step, issued.hashes()),
                    Optional.of(SecurityEvent.of(SecurityEventType.RECOVERY_CODES_REGENERATED, now, origin)));
            return issued.codes();
        });
    }
}
