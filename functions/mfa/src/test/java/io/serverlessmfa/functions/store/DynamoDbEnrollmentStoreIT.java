package io.serverlessmfa.functions.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.enrollment.Enrollment;
import io.serverlessmfa.core.enrollment.Lockout;
import io.serverlessmfa.core.enrollment.LockoutPolicy;
import io.serverlessmfa.core.enrollment.SetupChangeLimit;
import io.serverlessmfa.core.enrollment.SetupChangeLimitReachedException;
import io.serverlessmfa.core.enrollment.SetupChangeWindow;
import io.serverlessmfa.core.enrollment.ConcurrentUpdateException;
import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.enrollment.EnrollmentChangedException;
import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.TestUser;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The enrollment store against the real table of the emulator: what it writes, what it reads
 * back, and the conditional writes that keep concurrent requests and enabled MFA safe.
 */
class DynamoDbEnrollmentStoreIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AwsEmulator emulator;
    private DynamoDbEnrollmentStore store;
    private RawItems raw;
    private MutableClock clock;
    private TestUser user;

    @BeforeEach
    void setUp() {
        emulator = AwsEmulator.get();
        store = new DynamoDbEnrollmentStore(emulator.dynamoDb(), emulator.tableName(), java.time.Clock.systemUTC(),
                new java.security.SecureRandom(), java.time.Duration.ofDays(365));
        raw = new RawItems(emulator);
        clock = MutableClock.atStepStart();
        user = TestUser.random();
    }

    private static final RequestOrigin ORIGIN = new RequestOrigin("192.0.2.1", "store test");
    private static final SecurityEvent STARTED = SecurityEvent.of(SecurityEventType.SETUP_STARTED, Instant.now(), ORIGIN);
    /** A window that no test here fills. */
    private static final SetupChangeWindow WINDOW = new SetupChangeLimit(1_000, Duration.ofHours(1)).windowAt(Instant.now());
    private static final SecurityEvent CANCELLED = SecurityEvent.of(SecurityEventType.SETUP_CANCELLED, Instant.now(), ORIGIN);
    private static final SecurityEvent REMOVED = SecurityEvent.of(SecurityEventType.MFA_REMOVED, Instant.now(), ORIGIN);

    @Test
    void pendingEnrollmentRoundTripsThroughTheTable() {
        Enrollment.Pending pending = Enrollment.Pending.started(user.sub(), ciphertext(), inTenMinutes());

        store.savePending(Optional.empty(), pending, STARTED, WINDOW);

        assertEquals(pending, store.find(user.sub()).orElseThrow(), "a new pending setup has version 1 and no failures");
    }

    @Test
    void pendingEnrollmentWithFailuresRoundTrips() {
        Enrollment.Pending saved = savedPending();
        Enrollment.Pending failed = new Enrollment.Pending(user.sub(), saved.authenticator(), saved.expiresAt(),
                new Lockout.Counting(3), saved.version() + 1);

        store.replace(saved, failed, Optional.empty());

        assertEquals(failed, store.find(user.sub()).orElseThrow());
    }

    @Test
    void pendingEnrollmentWithALockRoundTrips() {
        Enrollment.Pending saved = savedPending();
        Enrollment.Pending locked = new Enrollment.Pending(user.sub(), saved.authenticator(), saved.expiresAt(),
                new Lockout.Locked(5, millisPrecision(clock.instant().plus(Duration.ofMinutes(5)))), saved.version() + 1);

        store.replace(saved, locked, Optional.empty());

        assertEquals(locked, store.find(user.sub()).orElseThrow());
    }

    @Test
    void aLockUntilResetRoundTripsWithItsCount() {
        Enrollment.Pending saved = savedPending();
        Enrollment.Enabled locked = new Enrollment.Enabled(user.sub(), saved.authenticator(),
                clock.instant().truncatedTo(ChronoUnit.SECONDS), List.of(hashed()), new Lockout.LockedUntilReset(100),
                saved.version() + 1);

        store.replace(saved, locked, Optional.empty());

        assertEquals(locked, store.find(user.sub()).orElseThrow());
        assertEquals(AttributeValue.fromBool(true), raw.get(user.sub()).get("lockedUntilReset"));
        assertEquals("253402214400000", raw.get(user.sub()).get("lockedUntilMillis").n(),
                "and a timed lock that never ends, which an earlier release (a rollback) still obeys");
    }

    @Test
    void enabledEnrollmentRoundTripsWithEveryField() {
        Enrollment.Pending saved = savedPending();
        Instant enabledAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long step = clock.instant().getEpochSecond() / 30;
        List<HashedRecoveryCode> hashes = List.of(hashed(), hashed(), hashed());
        Enrollment.Enabled enabled = new Enrollment.Enabled(user.sub(), saved.authenticator().accepted(step), enabledAt,
                hashes, new Lockout.Locked(15, millisPrecision(clock.instant().plusMillis(123_456))), saved.version() + 1);

        store.replace(saved, enabled, Optional.empty());

        Enrollment.Enabled found = (Enrollment.Enabled) store.find(user.sub()).orElseThrow();
        assertEquals(enabled, found);
        assertEquals(hashes, found.recoveryCodes(), "salts and hashes in order");
        assertEquals(OptionalLong.of(step), found.authenticator().lastAcceptedStep());
        assertEquals(enabled.lockout(), found.lockout(), "lockedUntil to the millisecond");
    }

    /**
     * Items exactly as the store wrote them before the enrollment states became types (the layout
     * of bbb484c and earlier, written here by hand, attribute by attribute): each is read as the
     * state it holds, and written back it is the same item, so stored data keeps working.
     */
    @Test
    void itemsInTheLayoutStoredBeforeTheStateTypesReadBackAndWriteTheSameAttributes() {
        byte[] secret = ciphertext().ciphertext();
        byte[] saltAndHash = new byte[HashedRecoveryCode.SALT_BYTES + 32];
        RANDOM.nextBytes(saltAndHash);
        long expires = 1_900_000_000L;
        Map<String, AttributeValue> pendingWithFailures = Map.of(
                "pk", AttributeValue.fromS("USER#" + user.sub()), "sk", AttributeValue.fromS("MFA"),
                "status", AttributeValue.fromS("PENDING"), "secretCiphertext", AttributeValue.fromB(SdkBytes.fromByteArray(secret)),
                "failedAttempts", AttributeValue.fromN("3"), "version", AttributeValue.fromN("7"),
                "pendingExpiresAt", AttributeValue.fromN(Long.toString(expires)), "expireAt", AttributeValue.fromN(Long.toString(expires)));
        Map<String, AttributeValue> enabledAfterALock = Map.of(
                "pk", AttributeValue.fromS("USER#" + user.sub()), "sk", AttributeValue.fromS("MFA"),
                "status", AttributeValue.fromS("ENABLED"), "secretCiphertext", AttributeValue.fromB(SdkBytes.fromByteArray(secret)),
                "failedAttempts", AttributeValue.fromN("0"), "version", AttributeValue.fromN("12"),
                "enabledAt", AttributeValue.fromN("1800000000"), "lastAcceptedStep", AttributeValue.fromN("60000000"),
                "lockedUntilMillis", AttributeValue.fromN("1800000123456"),
                "recoveryCodeKeyedHashes", AttributeValue.fromL(List.of(AttributeValue.fromB(SdkBytes.fromByteArray(saltAndHash)))));

        for (Map<String, AttributeValue> stored : List.of(pendingWithFailures, enabledAfterALock)) {
            emulator.dynamoDb().putItem(request -> request.tableName(emulator.tableName()).item(stored));

            Enrollment found = store.find(user.sub()).orElseThrow();

            // A lock stored when a lock restarted the count (count 0) is the one failure that started it.
            Map<String, AttributeValue> expected = new HashMap<>(stored);
            if (stored.containsKey("lockedUntilMillis")) {
                expected.put("failedAttempts", AttributeValue.fromN("1"));
            }
            assertEquals(expected, DynamoDbEnrollmentStore.toItem(found), () -> "written back unchanged: " + found);
        }
        Enrollment.Enabled enabled = (Enrollment.Enabled) store.find(user.sub()).orElseThrow();
        assertEquals(new Lockout.Locked(1, Instant.ofEpochMilli(1_800_000_123_456L)), enabled.lockout(),
                "the lock it holds still runs");
        assertEquals(OptionalLong.of(60_000_000L), enabled.authenticator().lastAcceptedStep());
        assertEquals(Instant.ofEpochSecond(1_800_000_000L), enabled.enabledAt());
        assertEquals(12, enabled.version());
        assertEquals(1, enabled.recoveryCodes().size());
        emulator.dynamoDb().putItem(request -> request.tableName(emulator.tableName()).item(pendingWithFailures));
        Enrollment.Pending pending = (Enrollment.Pending) store.find(user.sub()).orElseThrow();
        assertEquals(new Lockout.Counting(3), pending.lockout());
        assertEquals(OptionalLong.empty(), pending.authenticator().lastAcceptedStep());
        assertEquals(Instant.ofEpochSecond(expires), pending.expiresAt());
    }

    @Test
    void findReturnsEmptyWhenThereIsNoItem() {
        assertTrue(store.find(user.sub()).isEmpty());
    }

    @Test
    void savePendingIsRefusedOverAnEnabledEnrollmentAndLeavesItUnchanged() {
        Enrollment enabled = savedEnabled();
        Map<String, AttributeValue> before = raw.get(user.sub());

        EnrollmentChangedException refused = assertThrows(EnrollmentChangedException.class,
                () -> store.savePending(Optional.empty(), Enrollment.Pending.started(user.sub(), ciphertext(), inTenMinutes()),
                        STARTED, WINDOW),
                "setup never silently replaces an enabled MFA");
        assertEquals(Optional.of(enabled), refused.stored(), "the refused write returns the enrollment it found");
        assertEquals(before, raw.get(user.sub()), "the enabled item is byte-for-byte unchanged");
        assertEquals(enabled, store.find(user.sub()).orElseThrow());
    }

    @Test
    void savePendingAssumingNothingOverAPendingSetupReturnsItAndTheWriteDecidedOnItSucceeds() {
        Enrollment saved = savedPending();
        Map<String, AttributeValue> before = raw.get(user.sub());
        Enrollment.Pending next = Enrollment.Pending.started(user.sub(), ciphertext(), inTenMinutes());

        EnrollmentChangedException refused = assertThrows(EnrollmentChangedException.class,
                () -> store.savePending(Optional.empty(), next, STARTED, WINDOW));

        assertEquals(Optional.of(saved), refused.stored());
        assertEquals(before, raw.get(user.sub()), "the refused transaction wrote nothing");
        store.savePending(refused.stored(), next, STARTED, WINDOW);
        assertEquals(next.authenticator().secret(), store.find(user.sub()).orElseThrow().authenticator().secret());
        assertEquals(saved.version() + 1, store.find(user.sub()).orElseThrow().version());
    }

    @Test
    void savePendingOverAStaleReadOfARemovedEnrollmentSaysNothingIsStored() {
        Enrollment enabled = savedEnabled();
        store.delete(enabled, REMOVED);

        EnrollmentChangedException refused = assertThrows(EnrollmentChangedException.class,
                () -> store.savePending(Optional.of(enabled), Enrollment.Pending.started(user.sub(), ciphertext(), inTenMinutes()),
                        STARTED, WINDOW));

        assertEquals(Optional.empty(), refused.stored(), "a tombstone is no enrollment");
        RawItems.assertTombstone(raw.get(user.sub()));
    }

    @Test
    void savePendingOverAStaleReadOfAnExpiredItemSaysNothingIsStored() {
        Enrollment saved = savedPending();
        // As DynamoDB's TTL deletion of an abandoned setup would.
        raw.delete(user.sub());

        EnrollmentChangedException refused = assertThrows(EnrollmentChangedException.class,
                () -> store.savePending(Optional.of(saved), Enrollment.Pending.started(user.sub(), ciphertext(), inTenMinutes()),
                        STARTED, WINDOW));

        assertEquals(Optional.empty(), refused.stored());
        assertEquals(Map.of(), raw.get(user.sub()));
    }

    @Test
    void aCancelledSetupLeavesItsFailureCountInTheTombstoneAndTheNextSetupGoesOnFromIt() {
        Enrollment.Pending saved = savedPending();
        Enrollment.Pending failed = new Enrollment.Pending(user.sub(), saved.authenticator(), saved.expiresAt(),
                new Lockout.Counting(7), saved.version() + 1);
        store.replace(saved, failed, Optional.empty());

        store.cancelPending(failed, SecurityEvent.of(SecurityEventType.SETUP_CANCELLED, clock.instant(), ORIGIN), WINDOW);

        Map<String, AttributeValue> tombstone = raw.get(user.sub());
        assertEquals("NONE", tombstone.get("status").s());
        assertEquals("7", tombstone.get("failedAttempts").n());
        assertFalse(tombstone.containsKey("secretCiphertext"), "the secret is gone");
        assertFalse(tombstone.containsKey("expireAt"), "a count does not expire: that would be a reset");
        assertEquals(Optional.empty(), store.find(user.sub()), "a cancelled setup is no setup");
        store.savePending(Optional.empty(), Enrollment.Pending.started(user.sub(), ciphertext(), inTenMinutes()), STARTED,
                WINDOW);
        assertEquals(new Lockout.Counting(7), store.find(user.sub()).orElseThrow().lockout(),
                "only a success or a helpdesk reset sets the count back to 0");
    }

    @Test
    void theSetupChangePastTheWindowsLimitIsRefusedAndWritesNothing() {
        SetupChangeWindow two = new SetupChangeLimit(2, Duration.ofHours(1)).windowAt(clock.instant());
        store.savePending(Optional.empty(), Enrollment.Pending.started(user.sub(), ciphertext(), inTenMinutes()), STARTED, two);
        Enrollment.Pending first = (Enrollment.Pending) store.find(user.sub()).orElseThrow();
        store.savePending(Optional.of(first), Enrollment.Pending.started(user.sub(), ciphertext(), inTenMinutes()), STARTED, two);
        Enrollment.Pending second = (Enrollment.Pending) store.find(user.sub()).orElseThrow();
        List<Map<String, AttributeValue>> before = raw.scanAll();

        SetupChangeLimitReachedException refused = assertThrows(SetupChangeLimitReachedException.class,
                () -> store.cancelPending(second, SecurityEvent.of(SecurityEventType.SETUP_CANCELLED, clock.instant(), ORIGIN),
                        two));

        assertEquals(two, refused.window());
        assertEquals(before, raw.scanAll(), "nothing written: no tombstone, no event, no count");
        Map<String, AttributeValue> counter = before.stream()
                .filter(item -> item.get("pk").s().equals("USER#" + user.sub()) && item.get("sk").s().startsWith("SETUP_CHANGES#"))
                .findFirst().orElseThrow();
        assertEquals("2", counter.get("changes").n());
        assertEquals(Long.toString(two.end().getEpochSecond()), counter.get("expireAt").n(), "it expires with its window");
    }

    @Test
    void savePendingOverAPendingSetupReplacesTheSecretButKeepsTheFailureCount() {
        Enrollment.Pending found = restartedOver(new Lockout.Counting(4));

        assertEquals(new Lockout.Counting(4), found.lockout(), "restarting setup does not reset the failure count");
    }

    @Test
    void savePendingOverAPendingSetupReplacesTheSecretButKeepsTheLock() {
        Instant lockedUntil = millisPrecision(clock.instant().plus(Duration.ofMinutes(5)));

        Enrollment.Pending found = restartedOver(new Lockout.Locked(5, lockedUntil));

        assertEquals(new Lockout.Locked(5, lockedUntil), found.lockout(), "restarting setup does not lift a lock");
    }

    @Test
    void restartingSetupKeepsALockUntilReset() {
        Enrollment.Pending found = restartedOver(new Lockout.LockedUntilReset(100));

        assertEquals(new Lockout.LockedUntilReset(100), found.lockout(), "restarting setup does not lift it");
    }

    /** Stores a pending setup with {@code lockout}, restarts setup over it, and returns what is then stored. */
    private Enrollment.Pending restartedOver(Lockout lockout) {
        Enrollment.Pending saved = savedPending();
        Enrollment.Pending failed = new Enrollment.Pending(user.sub(), saved.authenticator(), saved.expiresAt(), lockout,
                saved.version() + 1);
        store.replace(saved, failed, Optional.empty());
        EncryptedSecret newSecret = ciphertext();
        clock.advance(Duration.ofMinutes(1));
        Instant newExpiry = inTenMinutes();

        store.savePending(Optional.of(failed), Enrollment.Pending.started(user.sub(), newSecret, newExpiry), STARTED, WINDOW);

        Enrollment.Pending found = (Enrollment.Pending) store.find(user.sub()).orElseThrow();
        assertEquals(newSecret, found.authenticator().secret(), "the new secret replaces the old one");
        assertEquals(newExpiry, found.expiresAt());
        assertEquals(saved.version() + 2, found.version(), "the upsert advances the version");
        return found;
    }

    @Test
    void replaceWithAStaleVersionThrowsAndLeavesTheItemUnchanged() {
        Enrollment.Pending saved = savedPending();
        Enrollment first = saved.withFailure(clock.instant(), LockoutPolicy.defaults());
        store.replace(saved, first, Optional.empty());
        Map<String, AttributeValue> before = raw.get(user.sub());

        Enrollment stale = saved.withFailure(clock.instant(), LockoutPolicy.defaults());
        assertThrows(ConcurrentUpdateException.class, () -> store.replace(saved, stale, Optional.empty()),
                "a write computed from version 1 must lose against version 2");
        Enrollment ahead = new Enrollment.Pending(user.sub(), saved.authenticator(), saved.expiresAt(), Lockout.clear(),
                first.version() + 2);
        assertThrows(IllegalArgumentException.class, () -> store.replace(first, ahead, Optional.empty()),
                "nor may a version be skipped");

        assertEquals(before, raw.get(user.sub()), "the losing writes changed nothing");
    }

    @Test
    void replaceOfAMissingItemThrows() {
        Enrollment.Pending read = Enrollment.Pending.started(user.sub(), ciphertext(), inTenMinutes());
        Enrollment never = read.withFailure(clock.instant(), LockoutPolicy.defaults());
        assertThrows(ConcurrentUpdateException.class, () -> store.replace(read, never, Optional.empty()));

        assertEquals(Map.of(), raw.get(user.sub()), "nothing is created by a replace");
    }

    @Test
    void deleteWithAStaleVersionThrowsAndKeepsTheItem() {
        Enrollment saved = savedPending();
        store.replace(saved, saved.withFailure(clock.instant(), LockoutPolicy.defaults()), Optional.empty());
        Map<String, AttributeValue> before = raw.get(user.sub());

        assertThrows(ConcurrentUpdateException.class, () -> store.delete(saved, CANCELLED));

        assertEquals(before, raw.get(user.sub()));
    }

    @Test
    void deleteWithTheCurrentVersionLeavesOnlyATombstone() {
        Enrollment enabled = savedEnabled();

        store.delete(enabled, REMOVED);

        assertTrue(store.find(user.sub()).isEmpty());
        RawItems.assertTombstone(raw.get(user.sub()));
    }

    @Test
    void pendingItemCarriesTheTtlAttributeAndAnEnabledOneDoesNot() {
        Enrollment.Pending pending = savedPending();

        Map<String, AttributeValue> pendingItem = raw.get(user.sub());
        assertEquals(AttributeValue.fromN(Long.toString(pending.expiresAt().getEpochSecond())),
                pendingItem.get(DynamoDbEnrollmentStore.TTL), "expireAt = pendingExpiresAt in epoch seconds");
        assertEquals(pendingItem.get(DynamoDbEnrollmentStore.PENDING_EXPIRES_AT), pendingItem.get(DynamoDbEnrollmentStore.TTL));

        store.replace(pending, pending.confirmed(clock.instant(), clock.instant().getEpochSecond() / 30, List.of(hashed())),
                Optional.empty());

        Map<String, AttributeValue> enabledItem = raw.get(user.sub());
        assertEquals("ENABLED", enabledItem.get(DynamoDbEnrollmentStore.STATUS).s());
        assertFalse(enabledItem.containsKey(DynamoDbEnrollmentStore.TTL), "DynamoDB must never expire an enabled MFA");
        assertFalse(enabledItem.containsKey(DynamoDbEnrollmentStore.PENDING_EXPIRES_AT));
    }

    @Test
    void pendingItemWrittenByReplaceAlsoCarriesTheTtl() {
        Enrollment.Pending pending = savedPending();
        store.replace(pending, pending.withFailure(clock.instant(), LockoutPolicy.defaults()), Optional.empty());

        assertEquals(AttributeValue.fromN(Long.toString(pending.expiresAt().getEpochSecond())),
                raw.get(user.sub()).get(DynamoDbEnrollmentStore.TTL), "a failed attempt must not drop the TTL");
    }

    @Test
    void tableTimeToLiveIsEnabledOnTheExpireAtAttribute() {
        TimeToLiveDescription ttl = emulator.dynamoDb()
                .describeTimeToLive(request -> request.tableName(emulator.tableName())).timeToLiveDescription();

        assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
        assertEquals(DynamoDbEnrollmentStore.TTL, ttl.attributeName());
        assertEquals("expireAt", ttl.attributeName());
    }

    private Enrollment.Pending savedPending() {
        Enrollment.Pending pending = Enrollment.Pending.started(user.sub(), ciphertext(), inTenMinutes());
        store.savePending(Optional.empty(), pending, STARTED, WINDOW);
        return (Enrollment.Pending) store.find(user.sub()).orElseThrow();
    }

    private Enrollment savedEnabled() {
        Enrollment.Pending pending = savedPending();
        Enrollment enabled = pending.confirmed(clock.instant().truncatedTo(ChronoUnit.SECONDS),
                clock.instant().getEpochSecond() / 30, List.of(hashed()));
        store.replace(pending, enabled, Optional.empty());
        return enabled;
    }

    private Instant inTenMinutes() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofMinutes(10));
    }

    private static Instant millisPrecision(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }

    private static EncryptedSecret ciphertext() {
        byte[] bytes = new byte[180];
        RANDOM.nextBytes(bytes);
        return new EncryptedSecret(bytes);
    }

    private static HashedRecoveryCode hashed() {
        byte[] salt = new byte[HashedRecoveryCode.SALT_BYTES];
        byte[] hash = new byte[HashedRecoveryCode.HASH_BYTES];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(hash);
        return new HashedRecoveryCode(salt, hash);
    }
}
