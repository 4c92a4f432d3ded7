package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.totp.TotpSettings;
import java.time.Duration;

/**
 * Everything the enrollment rules can be configured with. Read once at init.
 *
 * @param issuer             the issuer shown in the authenticator app (no ':', Key Uri Format)
 * @param totp               algorithm, digits and period of the codes
 * @param window             time steps accepted either side of now (RFC 6238 §5.2 recommends one)
 * @param lockout            consecutive failures before a lock, and its length
 * @param pendingLifetime    how long an unconfirmed setup lives
 * @param recoveryCodeCount  recovery codes issued at confirmation and regeneration (1..16)
 * @param setupChanges       how often one user may start, restart or cancel a setup
 */
public record MfaPolicy(String issuer, TotpSettings totp, int window, LockoutPolicy lockout,
                        Duration pendingLifetime, int recoveryCodeCount, SetupChangeLimit setupChanges) {

    public MfaPolicy {
        if (issuer == null || issuer.isBlank() || issuer.indexOf(':') >= 0) {
            throw new IllegalArgumentException("issuer must be non-blank and contain no ':' (Key Uri Format)");
        }
        if (totp == null || lockout == null || setupChanges == null) {
            throw new IllegalArgumentException("totp, lockout and setup change settings are required");
        }
        if (window < 0 || window > 10) {
            throw new IllegalArgumentException("window must be between 0 and 10 time steps");
        }
        if (pendingLifetime == null || pendingLifetime.toSeconds() < 60 || pendingLifetime.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("pendingLifetime must be between 1 minute and 24 hours");
        }
        if (recoveryCodeCount < 1 || recoveryCodeCount > 16) {
            throw new IllegalArgumentException("recoveryCodeCount must be between 1 and 16");
        }
    }

    /** With the default {@link SetupChangeLimit}. */
    public MfaPolicy(String issuer, TotpSettings totp, int window, LockoutPolicy lockout, Duration pendingLifetime,
                     int recoveryCodeCount) {
        this(issuer, totp, window, lockout, pendingLifetime, recoveryCodeCount, SetupChangeLimit.defaults());
    }

    /** The contract's defaults: SHA1, 6 digits, 30 s, ±1 step, 5 failures → 5 min, 10 min setup, 1 code. */
    public static MfaPolicy defaults(String issuer) {
        return new MfaPolicy(issuer, TotpSettings.defaults(), 1, LockoutPolicy.defaults(), Duration.ofMinutes(10), 1);
    }
}
