package io.serverlessmfa.core.token;

import java.time.Instant;

/**
 * Port: signs MFA tokens with the service's current signing key. Split in two so that a token is
 * never the reason for a half-done request: {@link #prepare} may reach the key service and the store
 * (once per container and key), and runs before the use case changes anything; {@link Ready#sign}
 * is pure computation and runs after the change is committed.
 */
public interface MfaTokenSigner {

    /**
     * The key that signs at {@code now}, in hand.
     *
     * @throws io.serverlessmfa.core.port.DependencyUnavailableException when the key cannot be had
     */
    Ready prepare(Instant now);

    /** A signing key in hand. */
    interface Ready {

        /** The compact JWS of {@code claims}; makes no call to any service. */
        String sign(MfaTokenClaims claims);
    }
}
