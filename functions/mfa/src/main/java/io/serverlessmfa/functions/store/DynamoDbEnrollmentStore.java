package io.serverlessmfa.functions.store;

import io.serverlessmfa.core.adoption.AdoptionChange;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.enrollment.Authenticator;
import io.serverlessmfa.core.enrollment.Enrollment;
import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.enrollment.ConcurrentUpdateException;
import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.port.DependencyUnavailableException.Dependency;
import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.enrollment.EnrollmentChangedException;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.core.enrollment.Lockout;
import io.serverlessmfa.core.enrollment.SetupChangeLimitReachedException;
import io.serverlessmfa.core.enrollment.SetupChangeWindow;
import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.functions.aws.AwsFailures;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The enrollment as one DynamoDB item, {@code pk = USER#<sub>}, {@code sk = MFA}. Every transition
 * is one conditional write on {@code version}; a pending setup carries a TTL attribute
 * ({@value #TTL}) so DynamoDB deletes abandoned setups (the core also treats an expired one as
 * gone, since TTL deletion can lag by days). Thread-safe.
 *
 * <p>Only ciphertext and salted hashes are stored: the secret and recovery codes never reach
 * DynamoDB in plaintext.
 *
 * <p>Removing MFA leaves a tombstone ({@code status = NONE}, the version, nothing else, a TTL of a
 * day) instead of deleting the item, so the version never starts again at 1. Otherwise a request
 * that read the old enrollment and stalled (say on KMS) could find a new enrollment at the same
 * version and overwrite it, bringing back the removed secret.
 */
public final class DynamoDbEnrollmentStore implements EnrollmentStore {

    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";
    /** The table's TTL attribute (epoch seconds), set on pending setups only. */
    public static final String TTL = "expireAt";

    static final String ENROLLMENT_SORT_KEY = "MFA";
    /** A removed enrollment's tombstone lives this long: far beyond any request's lifetime. */
    static final Duration TOMBSTONE_LIFETIME = Duration.ofDays(1);
    static final String REMOVED = "NONE";
    static final String STATUS = "status";
    static final String SECRET = "secretCiphertext";
    static final String PENDING_EXPIRES_AT = "pendingExpiresAt";
    static final String ENABLED_AT = "enabledAt";
    static final String LAST_ACCEPTED_STEP = "lastAcceptedStep";
    static final String FAILED_ATTEMPTS = "failedAttempts";
    static final String LOCKED_UNTIL = "lockedUntilMillis";
    static final String LOCKED_UNTIL_RESET = "lockedUntilReset";
    /** The lock end a lock until reset is also stored with: see {@link #toItem}. */
    static final Instant LOCK_UNTIL_RESET_FOR_EARLIER_RELEASES = Instant.parse("9999-12-31T00:00:00Z");
    /** The recovery codes' keyed hashes (salt || HMAC), see {@link io.serverlessmfa.core.recovery.RecoveryCodeHasher}. */
    static final String RECOVERY_CODES = "recoveryCodeKeyedHashes";
    /**
     * Where releases before keyed hashes keep unkeyed ones (salt || SHA-256). Never checked against a
     * code here: anyone who can write the table can make one. The deployment's upgrade
     * ({@link RecoveryHashUpgrade}) keys them, and leaves them in place for the earlier release
     * (running during the deployment, or after a rollback); this release ignores them and drops
     * them at its next write of the item (a full Put).
     */
    static final String UNKEYED_RECOVERY_CODES = "recoveryCodeHashes";
    static final String VERSION = "version";

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration auditRetention;

    /**
     * @param random         for the audit items' unique suffixes and the transactions' idempotency tokens
     * @param auditRetention how long security events are kept (their TTL)
     */
    public DynamoDbEnrollmentStore(DynamoDbClient dynamoDb, String tableName, Clock clock, SecureRandom random,
                                   Duration auditRetention) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.clock = clock;
        this.random = random;
        this.auditRetention = auditRetention;
    }

    @Override
    public Optional<Enrollment> find(String userId) {
        GetItemResponse response;
        try {
            response = dynamoDb.getItem(request -> request.tableName(tableName).key(key(userId)).consistentRead(true));
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DynamoDB GetItem", failure);
        }
        if (!response.hasItem() || response.item().isEmpty() || isTombstone(response.item())) {
            return Optional.empty();
        }
        return Optional.of(fromItem(userId, response.item()));
    }

    @Override
    public void savePending(Optional<Enrollment> current, Enrollment.Pending pending, SecurityEvent event,
                            SetupChangeWindow window) {
        long expiresAt = pending.expiresAt().getEpochSecond();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":pending", string(EnrollmentStatus.PENDING.name()),
                ":secret", bytes(pending.authenticator().secret().ciphertext()),
                ":expires", number(expiresAt),
                ":zero", number(0),
                ":one", number(1)));
        Map<String, String> names = new HashMap<>(Map.of("#status", STATUS, "#secret", SECRET,
                "#pendingExpiresAt", PENDING_EXPIRES_AT, "#ttl", TTL, "#version", VERSION,
                "#failedAttempts", FAILED_ATTEMPTS, "#enabledAt", ENABLED_AT,
                "#lastAcceptedStep", LAST_ACCEPTED_STEP, "#recoveryCodes", RECOVERY_CODES,
                "#unkeyedRecoveryCodes", UNKEYED_RECOVERY_CODES));
        String condition;
        if (current.isPresent()) {
            condition = "#version = :expected";
            values.put(":expected", number(current.get().version()));
        } else {
            // Nothing stored, or a removal's tombstone (whose version goes on).
            condition = "attribute_not_exists(#pk) OR #status = :removed";
            values.put(":removed", string(REMOVED));
            names.put("#pk", PARTITION_KEY);
        }
        // An upsert: the version goes on from the stored one, and the failure count and lock
        // survive, so restarting setup cannot reset a lock.
        // Returning the stored item: a refused write returns the item its condition was checked
        // against, so the caller learns what is stored without a read (EnrollmentChangedException).
        EnrollmentWrite upsert = new EnrollmentWrite.Update(key(pending.userId()),
                "SET #status = :pending, #secret = :secret, #pendingExpiresAt = :expires, "
                        + "#ttl = :expires, #version = if_not_exists(#version, :zero) + :one, "
                        + "#failedAttempts = if_not_exists(#failedAttempts, :zero) "
                        + "REMOVE #enabledAt, #lastAcceptedStep, #recoveryCodes, #unkeyedRecoveryCodes",
                condition, names, values, true);
        write(upsert, current, Optional.of(pending), Optional.of(event), Optional.empty(), Optional.of(window));
    }

    @Override
    public void replace(Enrollment current, Enrollment next, Optional<SecurityEvent> event) {
        if (next.version() != current.version() + 1) {
            throw new IllegalArgumentException("next must be the version after current");
        }
        write(putAtVersion(toItem(next), current), Optional.of(current), Optional.of(next), event);
    }

    @Override
    public void delete(Enrollment current, SecurityEvent event, Optional<SecurityEvent> operatorEvent) {
        // A full replacement: the ciphertext, the recovery hashes and the lock state are gone.
        write(putAtVersion(tombstone(current), current), Optional.of(current), Optional.empty(), Optional.of(event),
                operatorEvent, Optional.empty());
    }

    @Override
    public void cancelPending(Enrollment.Pending current, SecurityEvent event, SetupChangeWindow window) {
        // The ciphertext is gone; the failure count stays with the tombstone, and the next setup's
        // upsert keeps it (if_not_exists), so cancelling does not set it back to 0.
        Map<String, AttributeValue> tombstone = tombstone(current);
        if (current.lockout().failedAttempts() > 0) {
            tombstone.put(FAILED_ATTEMPTS, number(current.lockout().failedAttempts()));
            // Kept until the next setup replaces it, not a day: a count expiring would be a reset.
            tombstone.remove(TTL);
        }
        write(putAtVersion(tombstone, current), Optional.of(current), Optional.empty(), Optional.of(event),
                Optional.empty(), Optional.of(window));
    }

    /** What a removal leaves: the status NONE and the next version (versions never repeat), for a day. */
    private Map<String, AttributeValue> tombstone(Enrollment current) {
        Map<String, AttributeValue> tombstone = new HashMap<>(key(current.userId()));
        tombstone.put(STATUS, string(REMOVED));
        tombstone.put(VERSION, number(current.version() + 1));
        tombstone.put(TTL, number(clock.instant().plus(TOMBSTONE_LIFETIME).getEpochSecond()));
        return tombstone;
    }

    /** Puts {@code item} in place of {@code current}, on condition that the stored version is still its. */
    private static EnrollmentWrite putAtVersion(Map<String, AttributeValue> item, Enrollment current) {
        return new EnrollmentWrite.Put(item, "#version = :expected", Map.of("#version", VERSION),
                Map.of(":expected", number(current.version())));
    }

    /**
     * One atomic write. A write that changes no count and records no event (an accepted code, a
     * counted failure: the hot path) is a single conditional write; a state change is one
     * transaction of the enrollment, its event and the counters it moves, with an idempotency
     * token, so the SDK's retry of a transaction whose answer was lost does not apply it twice.
     */
    private void write(EnrollmentWrite enrollmentWrite, Optional<Enrollment> before, Optional<Enrollment> after,
                       Optional<SecurityEvent> event) {
        write(enrollmentWrite, before, after, event, Optional.empty(), Optional.empty());
    }

    /**
     * {@code operatorEvent}: the same change in the acting operator's trail; {@code setupChange}:
     * the window the change is counted in (a setup start or cancel); both in the same transaction.
     */
    private void write(EnrollmentWrite enrollmentWrite, Optional<Enrollment> before, Optional<Enrollment> after,
                       Optional<SecurityEvent> event, Optional<SecurityEvent> operatorEvent,
                       Optional<SetupChangeWindow> setupChange) {
        String userId = before.or(() -> after).orElseThrow().userId();
        AdoptionChange change = AdoptionChange.between(before, after, event);
        if (change.isEmpty() && event.isEmpty()) {
            try {
                enrollmentWrite.writeAlone(dynamoDb, tableName);
            } catch (ConditionalCheckFailedException lost) {
                throw new ConcurrentUpdateException("enrollment changed since it was read");
            } catch (SdkException failure) {
                throw AwsFailures.dynamoDb(enrollmentWrite.operation(), failure);
            }
            return;
        }
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(enrollmentWrite.inTransaction(tableName));
        items.addAll(AdoptionCounters.updates(tableName, userId, event.map(SecurityEvent::at).orElse(clock.instant()), change));
        event.ifPresent(e -> items.add(DynamoDbAuditTrail.put(tableName, userId, e, auditRetention, random)));
        operatorEvent.ifPresent(e -> items.add(DynamoDbAuditTrail.put(tableName, e.helpdesk().orElseThrow().operatorId(), e,
                auditRetention, random)));
        // The counter goes last, so its refusal is the last cancellation reason.
        setupChange.ifPresent(window -> items.add(SetupChanges.count(tableName, userId, window)));
        byte[] token = new byte[16];
        random.nextBytes(token);
        try {
            dynamoDb.transactWriteItems(request -> request.transactItems(items)
                    .clientRequestToken(HexFormat.of().formatHex(token)));
        } catch (TransactionCanceledException cancelled) {
            throw translate(userId, enrollmentWrite, setupChange, cancelled);
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DynamoDB TransactWriteItems", failure);
        }
    }

    /**
     * A cancelled transaction: the enrollment's condition failed, or another transaction held one
     * of the items, is a lost race (re-decide on fresh state); throttling is an outage. When the
     * enrollment's write asked for the item on a refusal (ALL_OLD) and its condition failed, the
     * reason carries what is stored (no item: nothing is), and the caller decides on that.
     */
    private static RuntimeException translate(String userId, EnrollmentWrite enrollmentWrite,
                                              Optional<SetupChangeWindow> setupChange,
                                              TransactionCanceledException cancelled) {
        List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons() : List.of();
        // Reasons come in the order of the items; the enrollment's write is the first.
        boolean enrollmentRefused = !reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code());
        if (enrollmentRefused && enrollmentWrite.returnsStoredOnRefusal()) {
            CancellationReason refused = reasons.get(0);
            Map<String, AttributeValue> item = refused.hasItem() ? refused.item() : Map.of();
            return new EnrollmentChangedException("enrollment is not the one the write expected",
                    item.isEmpty() || isTombstone(item) ? Optional.empty() : Optional.of(fromItem(userId, item)));
        }
        // The setup-change counter goes last: refused alone, the user made the window's last change.
        // With the enrollment refused too, the change was decided on a stale state and is decided
        // again first (it may be no change at all: MFA is on).
        if (setupChange.isPresent() && !enrollmentRefused && !reasons.isEmpty()
                && "ConditionalCheckFailed".equals(reasons.get(reasons.size() - 1).code())) {
            return new SetupChangeLimitReachedException(setupChange.get());
        }
        for (CancellationReason reason : reasons) {
            String code = reason.code();
            if ("ConditionalCheckFailed".equals(code) || "TransactionConflict".equals(code)) {
                return new ConcurrentUpdateException("enrollment changed since it was read (" + code + ")");
            }
        }
        for (CancellationReason reason : reasons) {
            String code = reason.code();
            if ("ThrottlingError".equals(code) || "ProvisionedThroughputExceeded".equals(code)
                    || "RequestLimitExceeded".equals(code)) {
                return new DependencyUnavailableException(Dependency.STORE, "DynamoDB TransactWriteItems throttled: " + code, cancelled);
            }
        }
        return AwsFailures.dynamoDb("DynamoDB TransactWriteItems", cancelled);
    }

    /**
     * The one conditional write of the enrollment item, said once: what is written and on which
     * condition. It goes to DynamoDB either as the first item of a transaction (a state change,
     * with its event and counters) or alone as a PutItem or UpdateItem (the hot path, no count
     * and no event).
     */
    private sealed interface EnrollmentWrite {

        /** Whether a refused transaction returns the stored item (ALL_OLD), so the caller needs no read. */
        boolean returnsStoredOnRefusal();

        TransactWriteItem inTransaction(String tableName);

        /** The write alone; a refusal is a {@link ConditionalCheckFailedException}. */
        void writeAlone(DynamoDbClient dynamoDb, String tableName);

        /** The call's name for an outage's message. */
        String operation();

        /** The whole item replaced (a transition's new state, or a tombstone). */
        record Put(Map<String, AttributeValue> item, String condition, Map<String, String> names,
                   Map<String, AttributeValue> values) implements EnrollmentWrite {

            @Override
            public boolean returnsStoredOnRefusal() {
                return false;
            }

            @Override
            public TransactWriteItem inTransaction(String tableName) {
                return TransactWriteItem.builder().put(put -> put.tableName(tableName).item(item)
                        .conditionExpression(condition).expressionAttributeNames(names)
                        .expressionAttributeValues(values)).build();
            }

            @Override
            public void writeAlone(DynamoDbClient dynamoDb, String tableName) {
                dynamoDb.putItem(request -> request.tableName(tableName).item(item).conditionExpression(condition)
                        .expressionAttributeNames(names).expressionAttributeValues(values));
            }

            @Override
            public String operation() {
                return "DynamoDB PutItem";
            }
        }

        /** Attributes set and removed in place (setup's upsert, which keeps the version and the lock). */
        record Update(Map<String, AttributeValue> key, String expression, String condition, Map<String, String> names,
                      Map<String, AttributeValue> values, boolean returnsStoredOnRefusal) implements EnrollmentWrite {

            @Override
            public TransactWriteItem inTransaction(String tableName) {
                return TransactWriteItem.builder().update(update -> update.tableName(tableName).key(key)
                        .updateExpression(expression).conditionExpression(condition).expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .returnValuesOnConditionCheckFailure(returnsStoredOnRefusal
                                ? ReturnValuesOnConditionCheckFailure.ALL_OLD : null)).build();
            }

            @Override
            public void writeAlone(DynamoDbClient dynamoDb, String tableName) {
                dynamoDb.updateItem(request -> request.tableName(tableName).key(key).updateExpression(expression)
                        .conditionExpression(condition).expressionAttributeNames(names)
                        .expressionAttributeValues(values));
            }

            @Override
            public String operation() {
                return "DynamoDB UpdateItem";
            }
        }
    }

    private static boolean isTombstone(Map<String, AttributeValue> item) {
        AttributeValue status = item.get(STATUS);
        return status != null && REMOVED.equals(status.s());
    }

    static Map<String, AttributeValue> key(String userId) {
        return Map.of(PARTITION_KEY, string("USER#" + userId), SORT_KEY, string(ENROLLMENT_SORT_KEY));
    }

    /**
     * The item of {@code enrollment}: the attributes every state has, then each state's own. The
     * layout is the one stored data already has (a pending setup: its expiry and the TTL; an
     * enabled one: enabledAt and the recovery hashes, when any).
     */
    static Map<String, AttributeValue> toItem(Enrollment enrollment) {
        Map<String, AttributeValue> item = new HashMap<>(key(enrollment.userId()));
        item.put(STATUS, string(enrollment.status().name()));
        item.put(SECRET, bytes(enrollment.authenticator().secret().ciphertext()));
        item.put(FAILED_ATTEMPTS, number(enrollment.lockout().failedAttempts()));
        item.put(VERSION, number(enrollment.version()));
        if (enrollment instanceof Enrollment.Pending pending) {
            item.put(PENDING_EXPIRES_AT, number(pending.expiresAt().getEpochSecond()));
            item.put(TTL, number(pending.expiresAt().getEpochSecond()));
        }
        if (enrollment instanceof Enrollment.Enabled enabled) {
            item.put(ENABLED_AT, number(enabled.enabledAt().getEpochSecond()));
            // Written even when empty: an enabled item without it was written by a release before
            // keyed hashes, and only such an item is the upgrade's to key (RecoveryHashUpgrade). The
            // Put drops the unkeyed ones the upgrade left for the earlier release.
            item.put(RECOVERY_CODES, storedRecoveryCodes(enabled.recoveryCodes()));
        }
        enrollment.authenticator().lastAcceptedStep().ifPresent(step -> item.put(LAST_ACCEPTED_STEP, number(step)));
        enrollment.lockout().lockEnd().ifPresent(until -> item.put(LOCKED_UNTIL, number(until.toEpochMilli())));
        if (enrollment.lockout().untilReset()) {
            item.put(LOCKED_UNTIL_RESET, AttributeValue.fromBool(true));
            // Also a timed lock that never ends, so a function of an earlier release (a rollback,
            // or the minutes of a deployment) that does not know the flag still refuses every code.
            item.put(LOCKED_UNTIL, number(LOCK_UNTIL_RESET_FOR_EARLIER_RELEASES.toEpochMilli()));
        }
        return item;
    }

    /** The throttling state an item holds (see {@link #toItem}). */
    private static Lockout lockout(Map<String, AttributeValue> item) {
        int failures = item.containsKey(FAILED_ATTEMPTS) ? Integer.parseInt(item.get(FAILED_ATTEMPTS).n()) : 0;
        if (item.containsKey(LOCKED_UNTIL_RESET) && Boolean.TRUE.equals(item.get(LOCKED_UNTIL_RESET).bool())) {
            return new Lockout.LockedUntilReset(Math.max(1, failures));
        }
        if (item.containsKey(LOCKED_UNTIL)) {
            // An item written before the count went on through locks stored a lock with a count of
            // zero; it counts as the one failure that started its lock, so that lock still runs.
            return new Lockout.Locked(Math.max(1, failures),
                    Instant.ofEpochMilli(Long.parseLong(item.get(LOCKED_UNTIL).n())));
        }
        return new Lockout.Counting(failures);
    }

    /** The enrollment an item holds; its {@code status} says which state (a tombstone is never passed here). */
    static Enrollment fromItem(String userId, Map<String, AttributeValue> item) {
        Authenticator authenticator = new Authenticator(new EncryptedSecret(item.get(SECRET).b().asByteArray()),
                item.containsKey(LAST_ACCEPTED_STEP)
                        ? OptionalLong.of(Long.parseLong(item.get(LAST_ACCEPTED_STEP).n())) : OptionalLong.empty());
        Lockout lockout = lockout(item);
        long version = Long.parseLong(item.get(VERSION).n());
        switch (EnrollmentStatus.valueOf(item.get(STATUS).s())) {
            case PENDING:
                return new Enrollment.Pending(userId, authenticator, epochSeconds(item.get(PENDING_EXPIRES_AT)), lockout,
                        version);
            case ENABLED:
                return new Enrollment.Enabled(userId, authenticator, epochSeconds(item.get(ENABLED_AT)),
                        recoveryCodes(item), lockout, version);
            default:
                throw new IllegalStateException("not a stored enrollment status: " + item.get(STATUS).s());
        }
    }

    /**
     * The keyed hashes of an enabled item. An item without them (only unkeyed ones) was last
     * written by a release before keyed hashes, and has no recovery code this release accepts until
     * the deployment's upgrade keys it. Unkeyed hashes beside keyed ones are ignored: the earlier
     * release always rewrites a whole item, dropping the keyed ones, so keyed ones are never stale.
     */
    /** The keyed hashes as {@link #RECOVERY_CODES} holds them: a list of salt || hash binaries. */
    static AttributeValue storedRecoveryCodes(List<HashedRecoveryCode> codes) {
        List<AttributeValue> hashes = new ArrayList<>();
        for (HashedRecoveryCode code : codes) {
            hashes.add(bytes(concat(code.salt(), code.hash())));
        }
        return AttributeValue.fromL(hashes);
    }

    private static List<HashedRecoveryCode> recoveryCodes(Map<String, AttributeValue> item) {
        List<HashedRecoveryCode> hashes = new ArrayList<>();
        AttributeValue codes = item.get(RECOVERY_CODES);
        if (codes != null && codes.hasL()) {
            for (AttributeValue value : codes.l()) {
                byte[] saltAndHash = value.b().asByteArray();
                hashes.add(new HashedRecoveryCode(
                        Arrays.copyOfRange(saltAndHash, 0, HashedRecoveryCode.SALT_BYTES),
                        Arrays.copyOfRange(saltAndHash, HashedRecoveryCode.SALT_BYTES, saltAndHash.length)));
            }
        }
        return hashes;
    }

    private static Instant epochSeconds(AttributeValue value) {
        return Instant.ofEpochSecond(Long.parseLong(value.n()));
    }

    private static byte[] concat(byte[] first, byte[] second) {
        return ByteBuffer.allocate(first.length + second.length).put(first).put(second).array();
    }

    private static AttributeValue string(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static AttributeValue bytes(byte[] value) {
        return AttributeValue.fromB(SdkBytes.fromByteArray(value));
    }
}
