package io.serverlessmfa.functions.token;

import io.serverlessmfa.core.token.MfaTokenSettings;
import io.serverlessmfa.core.token.PublishedKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * When each signing key signs and when it is published, worked out from the keys alone so every
 * container agrees without coordination. Keys are ordered by {@code signsFrom} (then kid): a key
 * signs from its {@code signsFrom} until the next key's; it is published from its creation, which
 * rotation puts {@link #DEFAULT_PUBLISHED_AHEAD} before it signs (RFC 7517 §5 leaves rotation to
 * the issuer; OIDC Core §10.1.1 asks that a new key be published before use), until every token it
 * signed has expired.
 */
public final class KeySchedule {

    /**
     * A new key is in the JWKS this long before it signs: past every cache of the key set that
     * relying parties are known to keep (API Gateway's JWT authorizer keeps keys up to two hours;
     * the JWKS says max-age {@link PublishedKeys#MAX_AGE}; containers re-read the keys every
     * {@link #REFRESH_INTERVAL}).
     */
    public static final Duration DEFAULT_PUBLISHED_AHEAD = Duration.ofHours(2).plusMinutes(15);
    /** The longest lead a rotation may give a key; a stored key with a longer one was not made by rotation. */
    public static final Duration MAX_PUBLISHED_AHEAD = Duration.ofDays(30);
    /** The shortest lead that still lets every container and every JWKS cache see a key before it signs. */
    public static final Duration MIN_PUBLISHED_AHEAD = Duration.ofMinutes(15);
    /** How old a container's view of the keys may get before it reads them again (one GetItem). */
    public static final Duration REFRESH_INTERVAL = Duration.ofMinutes(5);
    /**
     * A retired key stays published this long after its last signature: the longest lifetime a token
     * can be configured with, plus clock skew, so no configuration change cuts a token short.
     */
    public static final Duration RETENTION = MfaTokenSettings.MAX_LIFETIME.plusMinutes(5);

    private static final Comparator<SigningKey> ORDER =
            Comparator.comparing(SigningKey::signsFrom).thenComparing(SigningKey::kid);

    private final List<SigningKey> keys;

    public KeySchedule(List<SigningKey> keys) {
        this.keys = keys.stream().sorted(ORDER).toList();
    }

    /** The key that signs at {@code now}: the latest whose {@code signsFrom} has come. */
    public Optional<SigningKey> signingAt(Instant now) {
        SigningKey signing = null;
        for (SigningKey key : keys) {
            if (!key.signsFrom().isAfter(now)) {
                signing = key;
            }
        }
        return Optional.ofNullable(signing);
    }

    /** Every key a relying party needs at {@code now}: the next ones, the current one, and the retired ones whose tokens may live. */
    public List<SigningKey> publishedAt(Instant now) {
        return keys.stream().filter(key -> now.isBefore(publishedUntil(key))).toList();
    }

    /** When {@code key} leaves the JWKS: {@link #RETENTION} after its successor starts signing; never while it has none. */
    public Instant publishedUntil(SigningKey key) {
        int index = keys.indexOf(key);
        return index + 1 < keys.size() ? keys.get(index + 1).signsFrom().plus(RETENTION) : Instant.MAX;
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public List<SigningKey> keys() {
        return keys;
    }
}
