package io.serverlessmfa.functions.store;

import io.serverlessmfa.core.adoption.AdoptionStatistics.Counts;
import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.functions.aws.AwsFailures;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Proves the adoption counters against the truth: a full Scan of the enrollment items, counted
 * the way the counters count (enabled; pending and not yet expired at {@code now}). Run on demand
 * ({@code make reconcile}, or the ReconcileFunction), never on the request path: a Scan reads the
 * whole table. Exact on a quiet table; under traffic, a write between the two reads can make one
 * run differ by that write, so a mismatch is re-checked before it is believed.
 */
public final class AdoptionReconciliation {

    /** The counters' view and the table's. */
    public record Result(Instant at, Counts counted, Counts actual, long itemsScanned) {

        public boolean matches() {
            return counted.equals(actual);
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final AdoptionCounters counters;

    public AdoptionReconciliation(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.counters = new AdoptionCounters(dynamoDb, tableName);
    }

    public Result reconcile(Instant now) {
        Counts counted = counters.counts(now);
        long enabled = 0;
        long pending = 0;
        long scanned = 0;
        try {
            for (Map<String, AttributeValue> item : dynamoDb.scanPaginator(request -> request.tableName(tableName)
                    .consistentRead(true)).items()) {
                scanned++;
                AttributeValue sortKey = item.get(DynamoDbEnrollmentStore.SORT_KEY);
                AttributeValue status = item.get(DynamoDbEnrollmentStore.STATUS);
                if (sortKey == null || !DynamoDbEnrollmentStore.ENROLLMENT_SORT_KEY.equals(sortKey.s()) || status == null) {
                    continue;
                }
                if (EnrollmentStatus.ENABLED.name().equals(status.s())) {
                    enabled++;
                } else if (EnrollmentStatus.PENDING.name().equals(status.s())) {
                    long expiresAt = Long.parseLong(item.get(DynamoDbEnrollmentStore.PENDING_EXPIRES_AT).n());
                    if (now.isBefore(Instant.ofEpochSecond(expiresAt))) {
                        pending++;
                    }
                }
            }
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DynamoDB Scan for reconciliation", failure);
        }
        return new Result(now, counted, new Counts(enabled, pending), scanned);
    }
}
