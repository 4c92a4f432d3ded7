package io.serverlessmfa.functions.config;

import io.serverlessmfa.core.token.MfaTokenSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * The MFA tokens' configuration.
 *
 * @param issuer          {@code MFA_TOKEN_ISSUER}: the service's URL; when unset, {@code https://} and the
 *                        domain name each request came in on (the API's execute-api host, or its custom domain)
 * @param settings        {@code MFA_TOKEN_AUDIENCE} and {@code MFA_TOKEN_LIFETIME_SECONDS}
 * @param publishedAhead  {@code MFA_SIGNING_KEY_PUBLISHED_AHEAD_SECONDS}: how long a new key is in the JWKS before it signs
 */
public record TokenConfiguration(Optional<String> issuer, MfaTokenSettings settings, Duration publishedAhead) {

    /** The audience when {@code MFA_TOKEN_AUDIENCE} is unset (template.yaml always sets it). */
    public static final String DEFAULT_AUDIENCE = "serverless-mfa";

    /**
     * The issuer for a request that came in on {@code domainName}. API Gateway serves HTTPS only; a
     * domain on 127.0.0.1 is the local gateway of {@code make run} and the tests, which serves plain
     * HTTP (the contract's local issuer is {@code http://127.0.0.1:3000}).
     */
    public Optional<String> issuerFor(Optional<String> domainName) {
        if (issuer.isPresent()) {
            return issuer;
        }
        return domainName.map(name -> (name.equals("127.0.0.1") || name.startsWith("127.0.0.1:") ? "http://" : "https://") + name);
    }
}
