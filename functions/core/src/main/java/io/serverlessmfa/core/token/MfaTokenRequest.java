package io.serverlessmfa.core.token;

import java.util.Objects;
import java.util.Optional;

/**
 * What a request adds to the token it may earn: the issuer it reached (the service's URL, which
 * the discovery document also names) and the relying party's nonce, if it sent one.
 */
public record MfaTokenRequest(String issuer, Optional<Nonce> nonce) {

    public MfaTokenRequest {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(nonce, "nonce");
    }
}
