package io.serverlessmfa.core.token;

import java.util.Optional;

/**
 * Port: reads an MFA token whose signature one of the service's published keys makes (ES256 only;
 * RFC 8725 §3.1: the algorithm is fixed, never taken from the token). Says nothing about the
 * claims: {@link StepUp} judges those.
 */
public interface MfaTokenVerifier {

    /**
     * The claims of {@code compact} when it is a well-formed JWS that a published key signed;
     * empty for anything else (another key, another algorithm, a changed byte, not a JWS).
     *
     * @throws io.serverlessmfa.core.port.DependencyUnavailableException when the published keys cannot be read
     */
    Optional<MfaTokenClaims> verifiedClaims(String compact);
}
