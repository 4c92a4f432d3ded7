package io.serverlessmfa.functions.token;

import io.serverlessmfa.core.token.MfaTokenClaims;
import io.serverlessmfa.core.token.MfaTokenSigner;
import io.serverlessmfa.core.token.MfaTokenVerifier;
import io.serverlessmfa.core.token.PublishedKeys;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One container's view of the token signing keys: read from the table at first use and again when
 * {@link KeySchedule#REFRESH_INTERVAL} old, so a key made by rotation is seen long before it signs.
 * The current private key is unsealed once (one KMS Decrypt per container and key); signing then
 * makes no call at all. Verifying (the helpdesk's step-up) uses the public keys only. Thread-safe.
 */
public final class SigningKeyRing implements MfaTokenSigner, MfaTokenVerifier, PublishedKeys {

    private final SigningKeyTable table;
    private final SigningKeySealer sealer;
    private final SigningKeyRotation rotation;
    private final Clock clock;
    private final SecureRandom random;

    // Guarded by this.
    private KeySchedule schedule;
    private Map<String, byte[]> sealed = Map.of();
    private Instant readAt = Instant.MIN;
    private final Map<String, PrivateKey> unsealed = new HashMap<>();

    /**
     * @param sealer   null for a ring that only verifies (it can neither unseal nor make a key)
     * @param rotation null likewise
     */
    public SigningKeyRing(SigningKeyTable table, SigningKeySealer sealer, SigningKeyRotation rotation, Clock clock,
                          SecureRandom random) {
        this.table = table;
        this.sealer = sealer;
        this.rotation = rotation;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public Ready prepare(Instant now) {
        String kid;
        PrivateKey key;
        synchronized (this) {
            KeySchedule current = schedule(now, false);
            Optional<SigningKey> signing = current.signingAt(now);
            if (signing.isEmpty()) {
                // A fresh deployment: no key yet. The first key signs at once; no relying party can
                // have cached a key set that lacks it.
                SigningKey first = rotation.createFirst(now);
                current = schedule(now, true);
                signing = Optional.of(first);
            }
            kid = signing.get().kid();
            key = unsealed(signing.get());
        }
        String signingKid = kid;
        PrivateKey signingKey = key;
        return claims -> sign(claims, signingKid, signingKey);
    }

    /** The private half of {@code signing}: unsealed once, then kept. Caller holds the lock. */
    private PrivateKey unsealed(SigningKey signing) {
        PrivateKey key = unsealed.get(signing.kid());
        if (key == null) {
            key = sealer.unseal(signing, sealed.get(signing.kid()));
            // Only the current key is kept: an old one is never needed again.
            unsealed.clear();
            unsealed.put(signing.kid(), key);
        }
        return key;
    }

    /** Drops the unsealed private key (before a SnapStart snapshot): the next token unseals it again. */
    public synchronized void forgetUnsealed() {
        unsealed.clear();
    }

    private String sign(MfaTokenClaims claims, String kid, PrivateKey key) {
        return CompactJws.sign(claims, kid, key, random);
    }

    /**
     * Signs and verifies one token with a throwaway key and drops both: SnapStart priming's way to
     * put the EC classes in the snapshot without touching a real key.
     */
    public static void warmUp(SecureRandom random) {
        java.security.KeyPair throwaway = Es256.generate(random);
        MfaTokenClaims claims = new MfaTokenClaims("https://priming.invalid", "priming", "priming", Instant.EPOCH,
                Instant.EPOCH.plusSeconds(60), Instant.EPOCH, "priming",
                List.of(io.serverlessmfa.core.token.AuthenticationMethod.ONE_TIME_PASSWORD), Optional.empty());
        String compact = CompactJws.sign(claims, "priming", throwaway.getPrivate(), random);
        CompactJws.verify(compact, kid -> Optional.of((ECPublicKey) throwaway.getPublic()));
    }

    @Override
    public Optional<MfaTokenClaims> verifiedClaims(String compact) {
        return CompactJws.verify(compact, this::publishedKey);
    }

    @Override
    public synchronized List<PublicKey> published(Instant now) {
        return schedule(now, false).publishedAt(now).stream().map(key -> new PublicKey(key.kid(), key.x(), key.y())).toList();
    }

    /**
     * The published key {@code kid} names. An unknown kid makes the ring read the keys again: the
     * key may be younger than this container's view (the first key of a fresh deployment, made by
     * another function a moment ago). Only an operator reaches this (the group is checked first),
     * so an unknown kid costs at most one GetItem per operator request.
     */
    private synchronized Optional<ECPublicKey> publishedKey(String kid) {
        Instant now = clock.instant();
        Optional<ECPublicKey> key = find(schedule(now, false).publishedAt(now), kid);
        if (key.isEmpty()) {
            key = find(schedule(now, true).publishedAt(now), kid);
        }
        return key;
    }

    private static Optional<ECPublicKey> find(List<SigningKey> keys, String kid) {
        return keys.stream().filter(key -> key.kid().equals(kid)).map(SigningKey::publicKey).findFirst();
    }

    /**
     * The schedule, read again when forced, older than the refresh interval, or empty: until the
     * first key exists (a fresh deployment), every use reads again, so the key another function
     * just made is seen at once. Caller holds the lock.
     */
    private KeySchedule schedule(Instant now, boolean force) {
        if (force || schedule == null || schedule.isEmpty() || !now.isBefore(readAt.plus(KeySchedule.REFRESH_INTERVAL))) {
            List<SigningKeyTable.StoredKey> stored = table.load();
            Map<String, byte[]> sealedByKid = new HashMap<>();
            stored.forEach(key -> sealedByKid.put(key.key().kid(), key.sealedPrivateKey()));
            schedule = new KeySchedule(stored.stream().map(SigningKeyTable.StoredKey::key).toList());
            sealed = Map.copyOf(sealedByKid);
            readAt = now;
        }
        return schedule;
    }
}
