package io.serverlessmfa.core.token;

/**
 * How the second factor was proven, as the token's {@code amr} claim names it (RFC 8176 §2). A
 * recovery code is not a one-time password from the authenticator, so it never says {@code otp}:
 * a relying party that demands the app (the helpdesk's step-up) can tell the two apart.
 */
public enum AuthenticationMethod {

    /** A TOTP code from the authenticator app (RFC 8176 §2: "otp"). */
    ONE_TIME_PASSWORD("otp"),
    /** A recovery code (a look-up secret, NIST SP 800-63B §5.1.2); "rec" is the contract's name. */
    RECOVERY_CODE("rec");

    private final String claimValue;

    AuthenticationMethod(String claimValue) {
        this.claimValue = claimValue;
    }

    /** The value in the {@code amr} array. */
    public String claimValue() {
        return claimValue;
    }
}
