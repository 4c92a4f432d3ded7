package io.serverlessmfa.functions.store;

import io.serverlessmfa.core.adoption.AdoptionChange;
import io.serverlessmfa.core.adoption.AdoptionStatistics;
import io.serverlessmfa.functions.aws.AwsFailures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Exact adoption counts kept in the enrollment table without scanning it: every state change
 * updates them in the same transaction (see {@link AdoptionChange}). Each counter is split over
 * {@value #SHARDS} items with different partition keys, chosen by the user id, so no single item
 * takes every write of a busy day (a partition accepts about 1,000 writes a second); a reader sums
 * the shards. Only sums matter, so a shard may go negative.
 *
 * <ul>
 *   <li>{@code STATS#ENABLED#<shard>} / {@code COUNT}: users with MFA enabled;</li>
 *   <li>{@code STATS#PENDING#<shard>} / {@code EXPIRES#<epoch second>}: pending setups by expiry
 *       second (the pending users at t are those expiring after t), with a TTL a day later;</li>
 *   <li>{@code STATS#DAILY#<shard>} / {@code DAY#<yyyy-mm-dd>}: setups started, enablements,
 *       removals and admin resets per UTC day, kept {@value #DAILY_RETENTION_DAYS} days.</li>
 * </ul>
 */
public final class AdoptionCounters implements AdoptionStatistics {

    public static final int SHARDS = 8;
    static final String COUNT = "count";
    static final int DAILY_RETENTION_DAYS = 400;
    private static final Duration BUCKET_LIFETIME = Duration.ofDays(1);
    private static final String ENABLED_PREFIX = "STATS#ENABLED#";
    private static final String PENDING_PREFIX = "STATS#PENDING#";
    private static final String DAILY_PREFIX = "STATS#DAILY#";
    private static final String EXPIRES = "EXPIRES#";
    private static final String DAY = "DAY#";
    private static final String SNAPSHOTS = "STATS#SNAPSHOT";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public AdoptionCounters(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** The counter updates of {@code change}, to go into the state change's transaction. */
    static List<TransactWriteItem> updates(String tableName, String userId, Instant at, AdoptionChange change) {
        int shard = shard(userId);
        List<TransactWriteItem> updates = new ArrayList<>();
        if (change.enabled() != 0) {
            updates.add(add(tableName, ENABLED_PREFIX + shard, COUNT, Map.of(COUNT, change.enabled()), null));
        }
        change.pendingByExpiry().forEach((expiry, delta) -> updates.add(add(tableName, PENDING_PREFIX + shard,
                EXPIRES + epochSecond(expiry), Map.of(COUNT, delta), expiry.plus(BUCKET_LIFETIME))));
        Map<String, Integer> daily = new TreeMap<>();
        putIfNonZero(daily, "setupsStarted", change.setupsStarted());
        putIfNonZero(daily, "enablements", change.enablements());
        putIfNonZero(daily, "removals", change.removals());
        putIfNonZero(daily, "adminResets", change.adminResets());
        if (!daily.isEmpty()) {
            LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
            updates.add(add(tableName, DAILY_PREFIX + shard, DAY + day, daily,
                    day.plusDays(DAILY_RETENTION_DAYS).atStartOfDay().toInstant(ZoneOffset.UTC)));
        }
        return updates;
    }

    /** One BatchGetItem and one Query per shard, strongly consistent. */
    @Override
    public Counts counts(Instant now) {
        try {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (int shard = 0; shard < SHARDS; shard++) {
                keys.add(key(ENABLED_PREFIX + shard, COUNT));
            }
            long enabled = 0;
            Map<String, KeysAndAttributes> unread = new HashMap<>(Map.of(tableName,
                    KeysAndAttributes.builder().keys(keys).consistentRead(true).build()));
            while (!unread.isEmpty()) {
                Map<String, KeysAndAttributes> batch = Map.copyOf(unread);
                var response = dynamoDb.batchGetItem(builder -> builder.requestItems(batch));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(tableName, List.of())) {
                    enabled += count(item, COUNT);
                }
                unread = response.hasUnprocessedKeys() ? new HashMap<>(response.unprocessedKeys()) : Map.of();
            }
            long pending = 0;
            for (int shard = 0; shard < SHARDS; shard++) {
                // Pending at `now` means expiring after it; expiries are whole seconds.
                pending += sumRange(PENDING_PREFIX + shard, EXPIRES + pad(now.getEpochSecond() + 1), EXPIRES + "9999999999",
                        COUNT);
            }
            return new Counts(enabled, pending);
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DynamoDB read of the adoption counters", failure);
        }
    }

    /** One Query per shard. */
    @Override
    public List<Daily> daily(LocalDate from, LocalDate to) {
        Map<LocalDate, long[]> days = new TreeMap<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            days.put(day, new long[4]);
        }
        try {
            for (int shard = 0; shard < SHARDS; shard++) {
                for (Map<String, AttributeValue> item : query(DAILY_PREFIX + shard, DAY + from, DAY + to)) {
                    long[] sums = days.get(LocalDate.parse(item.get(DynamoDbEnrollmentStore.SORT_KEY).s().substring(DAY.length())));
                    if (sums != null) {
                        sums[0] += count(item, "setupsStarted");
                        sums[1] += count(item, "enablements");
                        sums[2] += count(item, "removals");
                        sums[3] += count(item, "adminResets");
                    }
                }
            }
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DynamoDB read of the daily counters", failure);
        }
        List<Daily> result = new ArrayList<>();
        days.forEach((day, sums) -> result.add(new Daily(day, sums[0], sums[1], sums[2], sums[3])));
        return result;
    }

    /** Kept {@value #DAILY_RETENTION_DAYS} days. */
    @Override
    public void recordSnapshot(LocalDate day, Counts counts) {
        Map<String, AttributeValue> item = new HashMap<>(key(SNAPSHOTS, DAY + day));
        item.put("enabled", AttributeValue.fromN(Long.toString(counts.enabled())));
        item.put("pending", AttributeValue.fromN(Long.toString(counts.pending())));
        item.put(DynamoDbEnrollmentStore.TTL, AttributeValue.fromN(Long.toString(
                day.plusDays(DAILY_RETENTION_DAYS).atStartOfDay().toInstant(ZoneOffset.UTC).getEpochSecond())));
        try {
            dynamoDb.putItem(request -> request.tableName(tableName).item(item));
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DynamoDB PutItem of the adoption snapshot", failure);
        }
    }

    @Override
    public List<Snapshot> snapshots(LocalDate from, LocalDate to) {
        List<Snapshot> snapshots = new ArrayList<>();
        try {
            for (Map<String, AttributeValue> item : query(SNAPSHOTS, DAY + from, DAY + to)) {
                snapshots.add(new Snapshot(LocalDate.parse(item.get(DynamoDbEnrollmentStore.SORT_KEY).s().substring(DAY.length())),
                        count(item, "enabled"), count(item, "pending")));
            }
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DynamoDB Query of the adoption snapshots", failure);
        }
        return snapshots;
    }

    private long sumRange(String partition, String fromSortKey, String toSortKey, String attribute) {
        long sum = 0;
        for (Map<String, AttributeValue> item : query(partition, fromSortKey, toSortKey)) {
            sum += count(item, attribute);
        }
        return sum;
    }

    private Iterable<Map<String, AttributeValue>> query(String partition, String fromSortKey, String toSortKey) {
        QueryRequest request = QueryRequest.builder().tableName(tableName).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .expressionAttributeNames(Map.of("#pk", DynamoDbEnrollmentStore.PARTITION_KEY,
                        "#sk", DynamoDbEnrollmentStore.SORT_KEY))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition),
                        ":from", AttributeValue.fromS(fromSortKey), ":to", AttributeValue.fromS(toSortKey)))
                .build();
        return dynamoDb.queryPaginator(request).items();
    }

    private static TransactWriteItem add(String tableName, String partition, String sortKey, Map<String, Integer> deltas,
                                         Instant expireAt) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> additions = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Integer> delta : deltas.entrySet()) {
            names.put("#a" + i, delta.getKey());
            values.put(":d" + i, AttributeValue.fromN(Integer.toString(delta.getValue())));
            additions.add("#a" + i + " :d" + i);
            i++;
        }
        String expression = "ADD " + String.join(", ", additions);
        if (expireAt != null) {
            names.put("#ttl", DynamoDbEnrollmentStore.TTL);
            values.put(":ttl", AttributeValue.fromN(Long.toString(expireAt.getEpochSecond())));
            expression += " SET #ttl = :ttl";
        }
        Update update = Update.builder().tableName(tableName).key(key(partition, sortKey)).updateExpression(expression)
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
        return TransactWriteItem.builder().update(update).build();
    }

    /** A stable shard per user, so a user's increments and decrements meet in one item. */
    static int shard(String userId) {
        CRC32 crc = new CRC32();
        crc.update(userId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SHARDS);
    }

    private static void putIfNonZero(Map<String, Integer> map, String name, int value) {
        if (value != 0) {
            map.put(name, value);
        }
    }

    private static long count(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static String epochSecond(Instant instant) {
        return pad(instant.getEpochSecond());
    }

    /** Ten digits, so that sort keys order as the numbers do (until the year 2286). */
    private static String pad(long epochSecond) {
        return SortKeys.zeroPadded(epochSecond, 10);
    }

    private static Map<String, AttributeValue> key(String partition, String sortKey) {
        return Map.of(DynamoDbEnrollmentStore.PARTITION_KEY, AttributeValue.fromS(partition),
                DynamoDbEnrollmentStore.SORT_KEY, AttributeValue.fromS(sortKey));
    }
}
