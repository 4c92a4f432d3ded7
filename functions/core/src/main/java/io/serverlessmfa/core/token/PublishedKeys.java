package io.serverlessmfa.core.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Port: the public keys relying parties verify MFA tokens with (the JWKS, RFC 7517 §5): the next
 * key before it signs, the current one, and retired ones until every token they signed has expired.
 */
public interface PublishedKeys {

    /** How long a relying party may cache the key set ({@code Cache-Control: public, max-age}). */
    Duration MAX_AGE = Duration.ofMinutes(5);

    /** @throws io.serverlessmfa.core.port.DependencyUnavailableException when the keys cannot be read */
    List<PublicKey> published(Instant now);

    /**
     * One P-256 public key as a JWK carries it (RFC 7518 §6.2.1): its kid and base64url coordinates.
     * Nothing private can be in it.
     */
    record PublicKey(String kid, String x, String y) {
        public PublicKey {
            Objects.requireNonNull(kid, "kid");
            Objects.requireNonNull(x, "x");
            Objects.requireNonNull(y, "y");
        }
    }
}
