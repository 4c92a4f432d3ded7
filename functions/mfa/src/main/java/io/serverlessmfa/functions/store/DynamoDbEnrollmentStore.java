package io.serverlessmfa.functions.store;

import io.serverlessmfa.core.enrollment.Enrollment;
import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.port.ConcurrentUpdateException;
import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.port.EnrollmentStore;
import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.functions.config.AwsFailures;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

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
    static final String RECOVERY_CODES = "recoveryCodeHashes";
    static final String VERSION = "version";

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Clock clock;

    public DynamoDbEnrollmentStore(DynamoDbClient dynamoDb, String tableName, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.clock = clock;
    }

    @Override
    public Optional<Enrollment> find(String userId) {
        GetItemResponse response;
        try {
            response = dynamoDb.getItem(request -> request.tableName(tableName).key(key(userId)).consistentRead(true));
        } catch (SdkException failure) {
            throw AwsFailures.translate("DynamoDB GetItem", failure);
        }
        if (!response.hasItem() || response.item().isEmpty() || isTombstone(response.item())) {
            return Optional.empty();
        }
        return Optional.of(fromItem(userId, response.item()));
    }

    @Override
    public boolean savePending(Enrollment pending) {
        long expiresAt = pending.pendingExpiresAt().getEpochSecond();
        Map<String, AttributeValue> values = Map.of(
                ":pending", string(EnrollmentStatus.PENDING.name()),
                ":removed", string(REMOVED),
                ":secret", bytes(pending.secret().ciphertext()),
                ":expires", number(expiresAt),
                ":zero", number(0),
                ":one", number(1));
        try {
            // One upsert: allowed over nothing, a tombstone or a pending setup, never over an
            // enabled one. The version goes on from the old item's. The failure count and lock
            // survive, so restarting setup cannot reset a lock.
            dynamoDb.updateItem(request -> request.tableName(tableName).key(key(pending.userId()))
                    .updateExpression("SET #status = :pending, #secret = :secret, #pendingExpiresAt = :expires, "
                            + "#ttl = :expires, #version = if_not_exists(#version, :zero) + :one, "
                            + "#failedAttempts = if_not_exists(#failedAttempts, :zero) "
                            + "REMOVE #enabledAt, #lastAcceptedStep, #recoveryCodes")
                    .conditionExpression("attribute_not_exists(#pk) OR #status IN (:pending, :removed)")
                    .expressionAttributeNames(Map.of("#status", STATUS, "#secret", SECRET,
                            "#pendingExpiresAt", PENDING_EXPIRES_AT, "#ttl", TTL, "#version", VERSION,
                            "#failedAttempts", FAILED_ATTEMPTS, "#enabledAt", ENABLED_AT,
                            "#lastAcceptedStep", LAST_ACCEPTED_STEP, "#recoveryCodes", RECOVERY_CODES,
                            "#pk", PARTITION_KEY))
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException enabled) {
            return false;
        } catch (SdkException failure) {
            throw AwsFailures.translate("DynamoDB UpdateItem", failure);
        }
    }

    @Override
    public void replace(Enrollment next) {
        try {
            dynamoDb.putItem(request -> request.tableName(tableName).item(toItem(next))
                    .conditionExpression("#version = :expected")
                    .expressionAttributeNames(Map.of("#version", VERSION))
                    .expressionAttributeValues(Map.of(":expected", number(next.version() - 1))));
        } catch (ConditionalCheckFailedException lost) {
            throw new ConcurrentUpdateException("enrollment changed since it was read");
        } catch (SdkException failure) {
            throw AwsFailures.translate("DynamoDB PutItem", failure);
        }
    }

    @Override
    public void delete(Enrollment current) {
        Map<String, AttributeValue> tombstone = new HashMap<>(key(current.userId()));
        tombstone.put(STATUS, string(REMOVED));
        tombstone.put(VERSION, number(current.version() + 1));
        tombstone.put(TTL, number(clock.instant().plus(TOMBSTONE_LIFETIME).getEpochSecond()));
        try {
            // A full replacement: the ciphertext, the recovery hashes and the lock state are gone.
            dynamoDb.putItem(request -> request.tableName(tableName).item(tombstone)
                    .conditionExpression("#version = :expected")
                    .expressionAttributeNames(Map.of("#version", VERSION))
                    .expressionAttributeValues(Map.of(":expected", number(current.version()))));
        } catch (ConditionalCheckFailedException lost) {
            throw new ConcurrentUpdateException("enrollment changed since it was read");
        } catch (SdkException failure) {
            throw AwsFailures.translate("DynamoDB PutItem", failure);
        }
    }

    private static boolean isTombstone(Map<String, AttributeValue> item) {
        AttributeValue status = item.get(STATUS);
        return status != null && REMOVED.equals(status.s());
    }

    static Map<String, AttributeValue> key(String userId) {
        return Map.of(PARTITION_KEY, string("USER#" + userId), SORT_KEY, string(ENROLLMENT_SORT_KEY));
    }

    static Map<String, AttributeValue> toItem(Enrollment enrollment) {
        Map<String, AttributeValue> item = new HashMap<>(key(enrollment.userId()));
        item.put(STATUS, string(enrollment.status().name()));
        item.put(SECRET, bytes(enrollment.secret().ciphertext()));
        item.put(FAILED_ATTEMPTS, number(enrollment.failedAttempts()));
        item.put(VERSION, number(enrollment.version()));
        if (enrollment.pendingExpiresAt() != null) {
            item.put(PENDING_EXPIRES_AT, number(enrollment.pendingExpiresAt().getEpochSecond()));
            item.put(TTL, number(enrollment.pendingExpiresAt().getEpochSecond()));
        }
        if (enrollment.enabledAt() != null) {
            item.put(ENABLED_AT, number(enrollment.enabledAt().getEpochSecond()));
        }
        if (enrollment.lastAcceptedStep() != Enrollment.NO_STEP) {
            item.put(LAST_ACCEPTED_STEP, number(enrollment.lastAcceptedStep()));
        }
        if (enrollment.lockedUntil() != null) {
            item.put(LOCKED_UNTIL, number(enrollment.lockedUntil().toEpochMilli()));
        }
        if (!enrollment.recoveryCodes().isEmpty()) {
            List<AttributeValue> hashes = new ArrayList<>();
            for (HashedRecoveryCode code : enrollment.recoveryCodes()) {
                hashes.add(bytes(concat(code.salt(), code.hash())));
            }
            item.put(RECOVERY_CODES, AttributeValue.fromL(hashes));
        }
        return item;
    }

    static Enrollment fromItem(String userId, Map<String, AttributeValue> item) {
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
        return new Enrollment(userId,
                EnrollmentStatus.valueOf(item.get(STATUS).s()),
                new EncryptedSecret(item.get(SECRET).b().asByteArray()),
                epochSeconds(item.get(PENDING_EXPIRES_AT)),
                epochSeconds(item.get(ENABLED_AT)),
                item.containsKey(LAST_ACCEPTED_STEP) ? Long.parseLong(item.get(LAST_ACCEPTED_STEP).n()) : Enrollment.NO_STEP,
                item.containsKey(FAILED_ATTEMPTS) ? Integer.parseInt(item.get(FAILED_ATTEMPTS).n()) : 0,
                item.containsKey(LOCKED_UNTIL) ? Instant.ofEpochMilli(Long.parseLong(item.get(LOCKED_UNTIL).n())) : null,
                hashes,
                Long.parseLong(item.get(VERSION).n()));
    }

    private static Instant epochSeconds(AttributeValue value) {
        return value == null ? null : Instant.ofEpochSecond(Long.parseLong(value.n()));
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
