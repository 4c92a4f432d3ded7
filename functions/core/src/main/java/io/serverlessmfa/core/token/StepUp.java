package io.serverlessmfa.core.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The operator's own step-up on the helpdesk's routes (contract: "Helpdesk routes"): an MFA token
 * from this issuer, for this audience, unexpired, whose {@code sub} is the caller's, whose
 * {@code amr} has {@code otp} (a recovery code is not enough to act on other people's MFA) and whose
 * {@code auth_time} is at most five minutes old. The operator's sign-in token alone proves only a
 * password (NIST SP 800-63B §4.2.1: AAL2 needs two factors). Thread-safe.
 */
public final class StepUp {

    /** The contract's maximum age of the operator's proof. */
    public static final Duration MAX_AGE = Duration.ofMinutes(5);
    /**
     * Clocks of the containers that sign and check differ a little; a proof dated this far in the
     * future still counts. Expiry has no leeway: the contract says "unexpired".
     */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final MfaTokenVerifier verifier;
    private final String audience;
    private final Clock clock;

    public StepUp(MfaTokenVerifier verifier, String audience, Clock clock) {
        this.verifier = verifier;
        this.audience = audience;
        this.clock = clock;
    }

    /**
     * Returns normally when {@code token} proves that {@code callerId} used the authenticator app in
     * the last five minutes at {@code issuer}.
     *
     * @throws StepUpRequiredException otherwise, with the reason (for the log; the client sees only mfa_required)
     */
    public void require(String issuer, String callerId, Optional<String> token) {
        MfaTokenClaims claims = verifier.verifiedClaims(token.orElseThrow(() -> new StepUpRequiredException("no X-MFA-Token")))
                .orElseThrow(() -> new StepUpRequiredException("not a token this service signed"));
        Instant now = clock.instant();
        if (!claims.issuer().equals(issuer) || !claims.audience().equals(audience)) {
            throw new StepUpRequiredException("another issuer or audience");
        }
        if (!claims.expiresAt().isAfter(now)) {
            throw new StepUpRequiredException("expired");
        }
        if (!claims.subject().equals(callerId)) {
            throw new StepUpRequiredException("another user's token");
        }
        if (!claims.provedWith(AuthenticationMethod.ONE_TIME_PASSWORD)) {
            throw new StepUpRequiredException("not proven with the authenticator app");
        }
        if (claims.authenticatedAt().isBefore(now.minus(MAX_AGE)) || claims.authenticatedAt().isAfter(now.plus(CLOCK_SKEW))) {
            throw new StepUpRequiredException("auth_time older than " + MAX_AGE.toMinutes() + " minutes");
        }
    }
}
