package io.serverlessmfa.functions.store;

import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import io.serverlessmfa.functions.aws.AwsFailures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The one-time upgrade to keyed recovery-code hashes, run by the deployment that brings them
 * (template.yaml, {@code RecoveryHashUpgrade}) before the functions that check recovery codes
 * change: every enabled item written by an earlier release (unkeyed hashes, no keyed ones) gets
 * its hashes keyed ({@link RecoveryCodeHasher#wrap}, no code needed), the unkeyed ones removed and
 * the version moved on, in one conditional write per item. The same codes keep working; each is
 * replaced by a fresh keyed hash when it is used or the codes are regenerated.
 *
 * <p>Why at deployment and not when a function meets such an item: an unkeyed hash proves nothing
 * (anyone who can write the table can make one), so it can be trusted only at one moment, before
 * any can be planted against this release. Running it again is harmless: an item it keyed has keyed
 * hashes, and it never keys an item that has some.
 */
public final class RecoveryHashUpgrade {

    /** Tries per item when the item changes between the read and the write (a request of the earlier release). */
    static final int ATTEMPTS_PER_ITEM = 5;
    private static final String USER_PREFIX = "USER#";

    /**
     * @param itemsKeyed  items whose hashes were keyed by this run
     * @param unreadable  items whose unkeyed hashes no release could have written (left as they are:
     *                    they count as no recovery code)
     * @param complete    false when the time ran out before the scan's end (run again to finish)
     */
    public record Result(long itemsScanned, long itemsKeyed, long unreadable, boolean complete) {
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final RecoveryCodeHasher hasher;

    public RecoveryHashUpgrade(DynamoDbClient dynamoDb, String tableName, RecoveryCodeHasher hasher) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.hasher = hasher;
    }

    /** @param timeLeft false when the run must stop (the function's time is nearly up) */
    public Result run(BooleanSupplier timeLeft) {
        long scanned = 0;
        long keyed = 0;
        long unreadable = 0;
        try {
            for (Map<String, AttributeValue> item : dynamoDb.scanPaginator(request -> request.tableName(tableName)
                    .consistentRead(true)
                    .filterExpression("#sk = :enrollment AND #status = :enabled AND attribute_exists(#unkeyed) "
                            + "AND attribute_not_exists(#keyed)")
                    .expressionAttributeNames(Map.of("#sk", DynamoDbEnrollmentStore.SORT_KEY,
                            "#status", DynamoDbEnrollmentStore.STATUS,
                            "#unkeyed", DynamoDbEnrollmentStore.UNKEYED_RECOVERY_CODES,
                            "#keyed", DynamoDbEnrollmentStore.RECOVERY_CODES))
                    .expressionAttributeValues(Map.of(
                            ":enrollment", AttributeValue.fromS(DynamoDbEnrollmentStore.ENROLLMENT_SORT_KEY),
                            ":enabled", AttributeValue.fromS(EnrollmentStatus.ENABLED.name())))).items()) {
                if (!timeLeft.getAsBoolean()) {
                    return new Result(scanned, keyed, unreadable, false);
                }
                scanned++;
                switch (keyItem(item)) {
                    case KEYED -> keyed++;
                    case UNREADABLE -> unreadable++;
                    case NOT_ANY_MORE -> { }
                }
            }
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DynamoDB Scan for unkeyed recovery hashes", failure);
        }
        return new Result(scanned, keyed, unreadable, true);
    }

    private enum Outcome { KEYED, UNREADABLE, NOT_ANY_MORE }

    private Outcome keyItem(Map<String, AttributeValue> found) {
        Map<String, AttributeValue> item = found;
        for (int attempt = 1; attempt <= ATTEMPTS_PER_ITEM; attempt++) {
            String partition = item.get(DynamoDbEnrollmentStore.PARTITION_KEY).s();
            if (!partition.startsWith(USER_PREFIX) || !isEarlierReleaseItem(item)) {
                return Outcome.NOT_ANY_MORE;
            }
            String userId = partition.substring(USER_PREFIX.length());
            List<AttributeValue> wrapped = new ArrayList<>();
            try {
                for (AttributeValue entry : item.get(DynamoDbEnrollmentStore.UNKEYED_RECOVERY_CODES).l()) {
                    byte[] saltAndHash = entry.b().asByteArray();
                    HashedRecoveryCode keyed = hasher.wrap(userId,
                            Arrays.copyOfRange(saltAndHash, 0, HashedRecoveryCode.SALT_BYTES),
                            Arrays.copyOfRange(saltAndHash, HashedRecoveryCode.SALT_BYTES, saltAndHash.length));
                    wrapped.add(DynamoDbEnrollmentStore.bytes(DynamoDbEnrollmentStore.concat(keyed.salt(), keyed.hash())));
                }
            } catch (IllegalArgumentException | NullPointerException notAnEarlierReleasesList) {
                return Outcome.UNREADABLE;
            }
            Map<String, AttributeValue> read = item;
            try {
                dynamoDb.updateItem(request -> request.tableName(tableName)
                        .key(DynamoDbEnrollmentStore.key(userId))
                        .updateExpression("SET #keyed = :keyed, #version = #version + :one REMOVE #unkeyed")
                        .conditionExpression("#version = :version AND #unkeyed = :unkeyed AND attribute_not_exists(#keyed)")
                        .expressionAttributeNames(Map.of("#keyed", DynamoDbEnrollmentStore.RECOVERY_CODES,
                                "#unkeyed", DynamoDbEnrollmentStore.UNKEYED_RECOVERY_CODES,
                                "#version", DynamoDbEnrollmentStore.VERSION))
                        .expressionAttributeValues(Map.of(":keyed", AttributeValue.fromL(wrapped),
                                ":one", AttributeValue.fromN("1"),
                                ":version", read.get(DynamoDbEnrollmentStore.VERSION),
                                ":unkeyed", read.get(DynamoDbEnrollmentStore.UNKEYED_RECOVERY_CODES))));
                return Outcome.KEYED;
            } catch (ConditionalCheckFailedException changedMeanwhile) {
                // A request of the earlier release wrote the item after the scan read it: read it again.
                Map<String, AttributeValue> key = DynamoDbEnrollmentStore.key(userId);
                item = dynamoDb.getItem(request -> request.tableName(tableName).key(key).consistentRead(true)).item();
                if (item == null || item.isEmpty()) {
                    return Outcome.NOT_ANY_MORE;
                }
            }
        }
        throw new IllegalStateException("an item kept changing during the recovery hash upgrade; run it again");
    }

    /** Enabled, with unkeyed hashes and no keyed ones: what only an earlier release writes. */
    private static boolean isEarlierReleaseItem(Map<String, AttributeValue> item) {
        AttributeValue status = item.get(DynamoDbEnrollmentStore.STATUS);
        return status != null && EnrollmentStatus.ENABLED.name().equals(status.s())
                && DynamoDbEnrollmentStore.ENROLLMENT_SORT_KEY.equals(item.get(DynamoDbEnrollmentStore.SORT_KEY).s())
                && item.containsKey(DynamoDbEnrollmentStore.UNKEYED_RECOVERY_CODES)
                && !item.containsKey(DynamoDbEnrollmentStore.RECOVERY_CODES)
                && item.containsKey(DynamoDbEnrollmentStore.VERSION);
    }
}
