package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaToken;
import io.serverlessmfa.core.token.MfaTokenIssuer;
import io.serverlessmfa.core.token.MfaTokenRequest;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code POST /mfa/recover}: sign in with a recovery code. The code is consumed and a new one
 * issued in its place in the same conditional write, so a used code never lingers and its
 * replacement is never lost (NIST SP 800-63B §5.1.2: look-up secrets are used once). Two AWS
 * calls warm; the key service only when a container first unseals the token signing key. The
 * token's {@code amr} says {@code rec}, never {@code otp}. Thread-safe.
 */
public final class RecoverAccess {

    private final Attempts attempts;
    private final RecoveryCodeIssuer recoveryCodes;
    private final MfaTokenIssuer tokens;

    /** Signed in: the recovery code that replaces the one used (shown this once), and the proof. */
    public record Recovered(RecoveryCode replacement, MfaToken token) {
    }

    /** No {@link CodeCheck}: recovery never decrypts a TOTP secret. */
    public RecoverAccess(Attempts attempts, RecoveryCodeIssuer recoveryCodes, MfaTokenIssuer tokens) {
        this.attempts = attempts;
        this.recoveryCodes = recoveryCodes;
        this.tokens = tokens;
    }

    public Recovered recover(RequestOrigin origin, String userId, RecoveryCode code, MfaTokenRequest tokenRequest) {
        return attempts.retryingOnConflict(() -> {
            Instant now = attempts.now();
            Enrollment.Enabled enrollment = attempts.enabledAndUnlocked(userId, now);
            MfaTokenIssuer.Prepared token = tokens.prepare(now);
            OptionalInt match = recoveryCodes.hasher().findMatch(userId, code, enrollment.recoveryCodes());
            if (match.isEmpty()) {
                throw attempts.fail(origin, enrollment, now, MfaRejection.Reason.INVALID_RECOVERY_CODE);
            }
            RecoveryCodeIssuer.Issued replacement = recoveryCodes.issue(userId, 1);
            attempts.store().replace(enrollment,
                    enrollment.withRecoveryCodeReplaced(match.getAsInt(), replacement.hashes().get(0)),
                    Optional.of(SecurityEvent.of(SecurityEventType.RECOVERY_CODE_USED, now, origin)));
            return new Recovered(replacement.codes().get(0),
                    token.issue(tokenRequest, userId, AuthenticationMethod.RECOVERY_CODE, now));
        });
    }
}
