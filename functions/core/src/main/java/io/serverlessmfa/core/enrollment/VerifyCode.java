package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaToken;
import io.serverlessmfa.core.token.MfaTokenIssuer;
import io.serverlessmfa.core.token.MfaTokenRequest;
import io.serverlessmfa.core.totp.TotpCode;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code POST /mfa/verify}: the second factor at sign-in, proven to relying parties by an MFA
 * token. Three AWS calls: a read, Decrypt and the conditional write that records the accepted step,
 * so a code can never be used twice even by two parallel requests; the token's signing key is in
 * hand before the write and signing calls nothing. Thread-safe.
 */
public final class VerifyCode {

    private final CodeCheck codes;
    private final Attempts attempts;
    private final MfaTokenIssuer tokens;

    public VerifyCode(CodeCheck codes, MfaTokenIssuer tokens) {
        this.codes = codes;
        this.attempts = codes.attempts();
        this.tokens = tokens;
    }

    /** @return the token that proves the accepted code; throws {@link MfaRejection} otherwise */
    public MfaToken verify(RequestOrigin origin, String userId, TotpCode code, MfaTokenRequest tokenRequest) {
        return attempts.retryingOnConflict(() -> {
            Instant now = attempts.now();
            Enrollment.Enabled enrollment = attempts.enabledAndUnlocked(userId, now);
            MfaTokenIssuer.Prepared token = tokens.prepare(now);
            long step = codes.acceptOrFail(origin, enrollment, code, now);
            // Signing in is not a change of the user's security settings: no audit event.
            attempts.store().replace(enrollment, enrollment.withAcceptedStep(step), Optional.empty());
            return token.issue(tokenRequest, userId, AuthenticationMethod.ONE_TIME_PASSWORD, now);
        });
    }
}
