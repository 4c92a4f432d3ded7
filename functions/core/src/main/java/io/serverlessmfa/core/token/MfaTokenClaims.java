package io.serverlessmfa.core.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an MFA token says (contract: "MFA tokens"): who ({@code sub}) proved the second factor to
 * this issuer, for whom ({@code aud}), when ({@code auth_time}), how ({@code amr}), and until when
 * the proof may be used ({@code exp}). Times are whole seconds, as JWT's NumericDate (RFC 7519 §2)
 * carries them, so claims read back from a token equal the ones signed.
 *
 * @param tokenId          {@code jti}: at least 128 random bits, so a relying party can refuse a replay
 * @param methods          {@code amr}, never empty
 * @param nonce            {@code nonce}, when the request carried one
 */
public record MfaTokenClaims(String issuer, String subject, String audience, Instant issuedAt, Instant expiresAt,
                             Instant authenticatedAt, String tokenId, List<AuthenticationMethod> methods,
                             Optional<Nonce> nonce) {

    public MfaTokenClaims {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(nonce, "nonce");
        issuedAt = wholeSeconds(issuedAt);
        expiresAt = wholeSeconds(expiresAt);
        authenticatedAt = wholeSeconds(authenticatedAt);
        methods = List.copyOf(methods);
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("amr names at least one method");
        }
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("a token expires after it is issued");
        }
    }

    public boolean provedWith(AuthenticationMethod method) {
        return methods.contains(method);
    }

    private static Instant wholeSeconds(Instant instant) {
        return Instant.ofEpochSecond(Objects.requireNonNull(instant, "instant").getEpochSecond());
    }
}
