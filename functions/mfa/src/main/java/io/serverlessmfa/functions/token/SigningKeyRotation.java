package io.serverlessmfa.functions.token;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes token signing keys: the next one, published {@code publishedAhead} before it signs, and the
 * first one, which signs at once (there is no earlier key set a relying party could have cached).
 * Deletes keys whose tokens have all expired. Run by the scheduled rotation function and on demand;
 * the signers make the first key themselves if they find none. Thread-safe.
 */
public final class SigningKeyRotation {

    /** A retired key's item stays a day past its publication: a JWKS cached then still matches the table. */
    static final Duration DELETE_AFTER_PUBLICATION = Duration.ofDays(1);

    /** What a rotation did, by kid (public values, fine to log). */
    public record Outcome(String created, Instant signsFrom, List<String> deleted) {
    }

    private final SigningKeyTable table;
    private final SigningKeySealer sealer;
    private final SecureRandom random;
    private final Duration publishedAhead;

    public SigningKeyRotation(SigningKeyTable table, SigningKeySealer sealer, SecureRandom random, Duration publishedAhead) {
        if (publishedAhead.compareTo(KeySchedule.MIN_PUBLISHED_AHEAD) < 0) {
            throw new IllegalArgumentException("a key is published at least " + KeySchedule.MIN_PUBLISHED_AHEAD + " before it signs");
        }
        this.table = table;
        this.sealer = sealer;
        this.random = random;
        this.publishedAhead = publishedAhead;
    }

    /** Adds the next key (or the first, signing at once) and deletes the keys no token can need any more. */
    public Outcome rotate(Instant now) {
        SigningKeyTable.Contents stored = table.read();
        KeySchedule schedule = new KeySchedule(stored.keys().stream().map(SigningKeyTable.StoredKey::key).toList());
        Instant signsFrom = schedule.isEmpty() ? now : now.plus(publishedAhead);
        SigningKey created = create(now, signsFrom);
        List<String> deleted = new ArrayList<>();
        for (SigningKey key : schedule.keys()) {
            Instant publishedUntil = schedule.publishedUntil(key);
            if (!publishedUntil.equals(Instant.MAX) && now.isAfter(publishedUntil.plus(DELETE_AFTER_PUBLICATION))) {
                table.delete(key.kid());
                deleted.add(key.kid());
            }
        }
        // Entries no rotation wrote are left out of every read; they go here, so they cannot pile up.
        for (String kid : stored.unreadable()) {
            table.delete(kid);
            deleted.add(kid);
        }
        return new Outcome(created.kid(), created.signsFrom(), List.copyOf(deleted));
    }

    /** The first key, signing from {@code now}: for a signer that found no key at all. */
    SigningKey createFirst(Instant now) {
        return create(now, now);
    }

    private SigningKey create(Instant now, Instant signsFrom) {
        KeyPair pair = Es256.generate(random);
        ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
        String kid = SigningKey.thumbprint(publicKey);
        SigningKey key = new SigningKey(kid, publicKey, Instant.ofEpochSecond(now.getEpochSecond()),
                Instant.ofEpochSecond(signsFrom.getEpochSecond()));
        table.add(new SigningKeyTable.StoredKey(key, sealer.seal(kid, pair)));
        return key;
    }
}
