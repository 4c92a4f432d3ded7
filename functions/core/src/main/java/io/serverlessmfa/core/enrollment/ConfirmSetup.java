package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaToken;
import io.serverlessmfa.core.token.MfaTokenIssuer;
import io.serverlessmfa.core.token.MfaTokenRequest;
import io.serverlessmfa.core.totp.TotpCode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /mfa/confirm}: PENDING → ENABLED with the first code from the app. The confirming
 * code counts as used, and the recovery codes are issued in the same write. The code also proves
 * the second factor, so an MFA token comes with the recovery codes. Thread-safe.
 */
public final class ConfirmSetup {

    private final CodeCheck codes;
    private final Attempts attempts;
    private final RecoveryCodeIssuer recoveryCodes;
    private final MfaTokenIssuer tokens;

    /** MFA is on: the recovery codes, to be shown this once, and the proof of the confirming code. */
    public record Confirmed(List<RecoveryCode> recoveryCodes, MfaToken token) {
    }

    public ConfirmSetup(CodeCheck codes, RecoveryCodeIssuer recoveryCodes, MfaTokenIssuer tokens) {
        this.codes = codes;
        this.attempts = codes.attempts();
        this.recoveryCodes = recoveryCodes;
        this.tokens = tokens;
    }

    public Confirmed confirm(RequestOrigin origin, String userId, TotpCode code, MfaTokenRequest tokenRequest) {
        return attempts.retryingOnConflict(() -> {
            Instant now = attempts.now();
            EffectiveEnrollment seen = EffectiveEnrollment.of(attempts.store().find(userId), now);
            if (seen instanceof Enrollment.Enabled) {
                throw new MfaRejection(MfaRejection.Reason.MFA_ALREADY_ENABLED);
            }
            if (!(seen instanceof Enrollment.Pending pending)) {
                throw new MfaRejection(MfaRejection.Reason.NO_PENDING_SETUP);
            }
            attempts.rejectIfLocked(pending, now);
            MfaTokenIssuer.Prepared token = tokens.prepare(now);
            long step = codes.acceptOrFail(origin, pending, code, now);
            RecoveryCodeIssuer.Issued issued = recoveryCodes.issue(userId, attempts.policy().recoveryCodeCount());
            attempts.store().replace(pending, pending.confirmed(now, step, issued.hashes()),
                    Optional.of(SecurityEvent.of(SecurityEventType.MFA_ENABLED, now, origin)));
            return new Confirmed(issued.codes(),
                    token.issue(tokenRequest, userId, AuthenticationMethod.ONE_TIME_PASSWORD, now));
        });
    }
}
