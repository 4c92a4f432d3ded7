package io.serverlessmfa.functions.store;

import io.serverlessmfa.core.enrollment.SetupChangeWindow;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The per-user counter of setup starts and cancels ({@link SetupChangeWindow}): one item per user
 * and window, {@code USER#<sub> / SETUP_CHANGES#<window start>}, counted up in the change's own
 * transaction on condition that it is below the limit. A new window is a new item, so nothing is
 * read and nothing has to be reset; each item expires (TTL) when its window has ended.
 */
final class SetupChanges {

    static final String SORT_KEY_PREFIX = "SETUP_CHANGES#";
    static final String CHANGES = "changes";

    private SetupChanges() {
    }

    /** One more change in {@code window}, refused (ConditionalCheckFailed) at the limit. */
    static TransactWriteItem count(String tableName, String userId, SetupChangeWindow window) {
        Map<String, AttributeValue> key = Map.of(
                DynamoDbEnrollmentStore.PARTITION_KEY, AttributeValue.fromS("USER#" + userId),
                DynamoDbEnrollmentStore.SORT_KEY, AttributeValue.fromS(
                        SORT_KEY_PREFIX + SortKeys.zeroPadded(window.start().getEpochSecond(), 10)));
        return TransactWriteItem.builder().update(update -> update.tableName(tableName).key(key)
                .updateExpression("ADD #changes :one SET #ttl = :expires")
                .conditionExpression("attribute_not_exists(#changes) OR #changes < :limit")
                .expressionAttributeNames(Map.of("#changes", CHANGES, "#ttl", DynamoDbEnrollmentStore.TTL))
                .expressionAttributeValues(Map.of(
                        ":one", AttributeValue.fromN("1"),
                        ":limit", AttributeValue.fromN(Integer.toString(window.maxChanges())),
                        ":expires", AttributeValue.fromN(Long.toString(window.end().getEpochSecond()))))).build();
    }

    /** The transaction's last item (the counter, see {@link #count}) failed its condition. */
    static boolean refusedLast(TransactionCanceledException cancelled) {
        List<CancellationReason> reasons = reasons(cancelled);
        return !reasons.isEmpty() && conditionFailed(reasons.get(reasons.size() - 1));
    }

    /**
     * The transaction's first item (the enrollment) failed its condition: the change was decided on
     * a stale state and is decided again, which may not be a change at all (e.g. MFA is on).
     */
    static boolean refusedFirst(TransactionCanceledException cancelled) {
        List<CancellationReason> reasons = reasons(cancelled);
        return !reasons.isEmpty() && conditionFailed(reasons.get(0));
    }

    private static List<CancellationReason> reasons(TransactionCanceledException cancelled) {
        return cancelled.hasCancellationReasons() ? cancelled.cancellationReasons() : List.of();
    }

    private static boolean conditionFailed(CancellationReason reason) {
        return "ConditionalCheckFailed".equals(reason.code());
    }
}
