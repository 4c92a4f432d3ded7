package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.totp.TotpCode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /mfa/recovery-codes}: a current TOTP code replaces every recovery code; the old
 * ones stop working in the same write. Thread-safe.
 */
public final class RegenerateRecoveryCodes {

    private final CodeCheck codes;
    private final Attempts attempts;
    private final RecoveryCodeIssuer recoveryCodes;

    public RegenerateRecoveryCodes(CodeCheck codes, RecoveryCodeIssuer recoveryCodes) {
        this.codes = codes;
        this.attempts = codes.attempts();
        this.recoveryCodes = recoveryCodes;
    }

    /** @return the new recovery codes, shown this once */
    public List<RecoveryCode> regenerate(RequestOrigin origin, String userId, TotpCode code) {
        return attempts.retryingOnConflict(() -> {
            Instant now = attempts.now();
            Enrollment.Enabled enrollment = attempts.enabledAndUnlocked(userId, now);
            long step = codes.acceptOrFail(origin, enrollment, code, now);
            RecoveryCodeIssuer.Issued issued = recoveryCodes.issue(userId, attempts.policy().recoveryCodeCount());
            attempts.store().replace(enrollment, enrollment.withRecoveryCodes(step, issued.hashes()),
                    Optional.of(SecurityEvent.of(SecurityEventType.RECOVERY_CODES_REGENERATED, now, origin)));
            return issued.codes();
        });
    }
}
