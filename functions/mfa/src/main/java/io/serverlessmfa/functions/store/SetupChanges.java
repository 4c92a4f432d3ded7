package io.serverlessmfa.functions.store;

import io.serverlessmfa.core.enrollment.SetupChangeWindow;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The per-user counter of setup starts and cancels ({@link SetupChangeWindow}): one item per user
 * and window, {@code USER#<sub> / SETUP_CHANGES#<window start>}, counted up in the change's own
 * transaction on condition that it is below the limit. It goes last in the transaction, so its
 * refusal is the last cancellation reason (DynamoDbEnrollmentStore reads it there). A new window is
 * a new item, so nothing is read and nothing has to be reset; each item expires (TTL) when its
 * window has ended.
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
}
