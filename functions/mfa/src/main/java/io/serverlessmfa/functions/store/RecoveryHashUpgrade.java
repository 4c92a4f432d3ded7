package io.serverlessmfa.functions.store;

import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import io.serverlessmfa.functions.aws.AwsFailures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The upgrade to keyed recovery-code hashes, run by the deployment that brings them (template.yaml:
 * {@code RecoveryHashUpgrade} before the functions that write an enabled item change, and
 * {@code RecoveryHashUpgradeAfterDeploy} once they have): every enabled item last written by an
 * earlier release (unkeyed hashes, no keyed ones) gets its hashes keyed
 * ({@link RecoveryCodeHasher#wrap}, no code needed) and its version moved on, in one conditional
 * write per item. The same codes keep working; each is replaced by a fresh keyed hash when it is
 * used or the codes are regenerated. The unkeyed hashes stay for the earlier release: during the
 * deployment it still serves requests, and it rewrites a whole item (dropping the keyed hashes,
 * keeping its unkeyed ones, which the second run keys again); after a rollback it reads them.
 *
 * <p>Why at deployment, twice, and never on demand: an unkeyed hash proves nothing (anyone who can
 * write the table can make one), so it is trusted only while the deployment that brings keyed
 * hashes runs. After it, a table writer who drops an item's keyed hashes and plants unkeyed ones
 * gets an item that counts as having no recovery code, and nothing keys it: the function keys only
 * when CloudFormation creates one of the two resources ({@code RecoveryHashUpgradeFunction}).
 */
public final class RecoveryHashUpgrade {

    /** Tries per item when the item changes between the read and the write (a request of the earlier release). */
    static final int ATTEMPTS_PER_ITEM = 5;
    /** Parallel scan segments, each on a thread of its own. */
    static final int SEGMENTS = 8;
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

    /**
     * Scans the table in {@value #SEGMENTS} parallel segments (DynamoDB parallel scan), each
     * keying its items one conditional write at a time: the run is bound by round trips, not by
     * the function's CPU.
     *
     * @param timeLeft false when the run must stop (the function's time is nearly up)
     */
    public Result run(BooleanSupplier timeLeft) {
        AtomicLong scanned = new AtomicLong();
        AtomicLong keyed = new AtomicLong();
        AtomicLong unreadable = new AtomicLong();
        AtomicBoolean complete = new AtomicBoolean(true);
        ExecutorService segments = Executors.newFixedThreadPool(SEGMENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int segment = 0; segment < SEGMENTS; segment++) {
                int number = segment;
                running.add(segments.submit(() -> scanSegment(number, timeLeft, scanned, keyed, unreadable, complete)));
            }
            for (Future<?> segment : running) {
                segment.get();
            }
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("a scan segment failed", failed.getCause());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while keying recovery hashes", interrupted);
        } finally {
            segments.shutdownNow();
        }
        return new Result(scanned.get(), keyed.get(), unreadable.get(), complete.get());
    }

    private void scanSegment(int segment, BooleanSupplier timeLeft, AtomicLong scanned, AtomicLong keyed,
                             AtomicLong unreadable, AtomicBoolean complete) {
        try {
            for (Map<String, AttributeValue> item : dynamoDb.scanPaginator(request -> request.tableName(tableName)
                    .consistentRead(true).segment(segment).totalSegments(SEGMENTS)
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
                    complete.set(false);
                    return;
                }
                scanned.incrementAndGet();
                switch (keyItem(item)) {
                    case KEYED -> keyed.incrementAndGet();
                    case UNREADABLE -> unreadable.incrementAndGet();
                    case NOT_ANY_MORE -> { }
                }
            }
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DynamoDB Scan for unkeyed recovery hashes", failure);
        }
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
            List<HashedRecoveryCode> wrapped = new ArrayList<>();
            try {
                for (AttributeValue entry : item.get(DynamoDbEnrollmentStore.UNKEYED_RECOVERY_CODES).l()) {
                    byte[] saltAndHash = entry.b().asByteArray();
                    wrapped.add(hasher.wrap(userId,
                            Arrays.copyOfRange(saltAndHash, 0, HashedRecoveryCode.SALT_BYTES),
                            Arrays.copyOfRange(saltAndHash, HashedRecoveryCode.SALT_BYTES, saltAndHash.length)));
                }
            } catch (IllegalArgumentException | NullPointerException notAnEarlierReleasesList) {
                return Outcome.UNREADABLE;
            }
            Map<String, AttributeValue> read = item;
            try {
                dynamoDb.updateItem(request -> request.tableName(tableName)
                        .key(DynamoDbEnrollmentStore.key(userId))
                        .updateExpression("SET #keyed = :keyed, #version = #version + :one")
                        .conditionExpression("#version = :version AND #unkeyed = :unkeyed AND attribute_not_exists(#keyed)")
                        .expressionAttributeNames(Map.of("#keyed", DynamoDbEnrollmentStore.RECOVERY_CODES,
                                "#unkeyed", DynamoDbEnrollmentStore.UNKEYED_RECOVERY_CODES,
                                "#version", DynamoDbEnrollmentStore.VERSION))
                        .expressionAttributeValues(Map.of(":keyed", DynamoDbEnrollmentStore.storedRecoveryCodes(wrapped),
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
