package io.serverlessmfa.local.relyingparty;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** A backend's check of the MFA tokens of a Serverless MFA deployment, with nimbus-jose-jwt. Thread-safe. */
public final class MfaTokenCheck {

    /** What a valid token proves: who passed the second factor, when, and how ("otp": the app; "rec": a recovery code). */
    public record Proof(String userId, Instant authTime, List<String> methods, String tokenId) {

        public boolean withAuthenticatorApp() {
            return methods.contains("otp");
        }
    }

    /** How long a relying party keeps the key set: the JWKS's Cache-Control max-age (300 s). */
    public static final Duration KEY_SET_CACHE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String issuer;
    private final String audience;
    private final JWKSource<SecurityContext> keys;
    private final Duration maxAge;
    private final Clock clock;

    /**
     * @param issuer   the service's URL, exactly as in its tokens' iss (no trailing slash)
     * @param audience the tokens' aud: the service's MFA_TOKEN_AUDIENCE (TokenAudience)
     * @param keys     the service's public keys (see {@link #fromDiscovery})
     * @param maxAge   the oldest second factor this backend accepts (auth_time), e.g. 5 minutes
     */
    public MfaTokenCheck(String issuer, String audience, JWKSource<SecurityContext> keys, Duration maxAge, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer);
        this.audience = Objects.requireNonNull(audience);
        this.keys = Objects.requireNonNull(keys);
        this.maxAge = Objects.requireNonNull(maxAge);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Reads {@code issuer + "/.well-known/openid-configuration"}, which must name this very issuer
     * (OpenID Connect Discovery 1.0, section 4.3), and takes the keys from its jwks_uri: cached
     * {@link #KEY_SET_CACHE}, and fetched again at once for a kid not in the cache (a new key).
     */
    public static MfaTokenCheck fromDiscovery(String issuer, String audience, Duration maxAge, Clock clock)
            throws IOException, InterruptedException, ParseException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("discovery document: HTTP " + response.statusCode());
        }
        Map<String, Object> discovery = JSONObjectUtils.parse(response.body());
        if (!issuer.equals(JSONObjectUtils.getString(discovery, "issuer"))) {
            throw new IOException("the discovery document names another issuer: " + discovery.get("issuer"));
        }
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(JSONObjectUtils.getURI(discovery, "jwks_uri").toURL())
                .cache(KEY_SET_CACHE.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                .build();
        return new MfaTokenCheck(issuer, audience, keys, maxAge, clock);
    }

    /** A fresh nonce for one login (256 random bits): keep it in the user's server-side session. */
    public static String newNonce() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The proof in {@code token} that {@code userId} passed the second factor in this login: an
     * ES256 signature by a key of the service, this issuer and audience, unexpired, this user,
     * this login's {@code nonce}, and auth_time within the maximum age.
     *
     * @throws BadJOSEException for any token that is not all of that (the message says why)
     */
    public Proof verify(String token, String userId, String nonce) throws BadJOSEException, JOSEException, ParseException {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // ES256 only, whatever the token's header says: "none" and HS256 never verify.
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                Set.of(audience),
                new JWTClaimsSet.Builder().issuer(issuer).subject(Objects.requireNonNull(userId))
                        .claim("nonce", Objects.requireNonNull(nonce)).build(),
                Set.of("iat", "exp", "auth_time", "jti", "amr"),
                null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        });
        JWTClaimsSet claims = processor.process(token, null);
        Instant authTime = claims.getDateClaim("auth_time").toInstant();
        if (authTime.isBefore(clock.instant().minus(maxAge))) {
            throw new BadJWTException("auth_time is more than " + maxAge + " ago");
        }
        return new Proof(claims.getSubject(), authTime, claims.getStringListClaim("amr"), claims.getJWTID());
    }
}
