package io.serverlessmfa.core.token;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Issues the MFA token that proves a second factor to relying parties (contract: "MFA tokens").
 * A use case calls {@link #prepare} before it changes anything and signs with the result after its
 * write is committed, so a token exists only for a committed success and an outage of the key's
 * services never leaves a change without its token. Thread-safe.
 */
public final class MfaTokenIssuer {

    /** 128 bits: the contract's minimum for {@code jti}, enough that two tokens never share one. */
    static final int TOKEN_ID_BYTES = 16;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final MfaTokenSigner signer;
    private final MfaTokenSettings settings;
    private final SecureRandom random;

    public MfaTokenIssuer(MfaTokenSigner signer, MfaTokenSettings settings, SecureRandom random) {
        this.signer = signer;
        this.settings = settings;
        this.random = random;
    }

    /** The signing key for {@code now}, in hand: the only step that may reach another service. */
    public Prepared prepare(Instant now) {
        return new Prepared(signer.prepare(now));
    }

    /** A token waiting for its use case's write to commit. */
    public final class Prepared {

        private final MfaTokenSigner.Ready ready;

        private Prepared(MfaTokenSigner.Ready ready) {
            this.ready = ready;
        }

        /** The token for {@code subject}, who proved the second factor with {@code method} at {@code authenticatedAt}. */
        public MfaToken issue(MfaTokenRequest request, String subject, AuthenticationMethod method, Instant authenticatedAt) {
            byte[] id = new byte[TOKEN_ID_BYTES];
            random.nextBytes(id);
            MfaTokenClaims claims = new MfaTokenClaims(request.issuer(), subject, settings.audience(), authenticatedAt,
                    authenticatedAt.plus(settings.lifetime()), authenticatedAt, BASE64URL.encodeToString(id),
                    List.of(method), request.nonce());
            return new MfaToken(ready.sign(claims), claims.expiresAt());
        }
    }
}
