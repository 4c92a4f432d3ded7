package io.serverlessmfa.core.token;

import java.time.Instant;
import java.util.Objects;

/**
 * A signed MFA token: its compact serialization (RFC 7515 §7.1) and when it expires. A bearer
 * credential for its lifetime, so {@link #toString()} never shows it (nothing may log a token).
 */
public record MfaToken(String compact, Instant expiresAt) {

    public MfaToken {
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "MfaToken[expiresAt=" + expiresAt + ", compact=<redacted>]";
    }
}
