package io.serverlessmfa.functions.token;

import io.serverlessmfa.functions.aws.AwsFailures;
import io.serverlessmfa.functions.store.DynamoDbEnrollmentStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The signing keys in the service's table: one partition, {@code pk = SIGNING_KEYS}, an item per
 * key ({@code sk = KEY#<kid>}) with the public coordinates, the schedule and the private key sealed
 * under KMS ({@link SigningKeySealer}). No user's partition ({@code USER#<sub>}) can be this one.
 */
public final class SigningKeyTable {

    static final String PARTITION = "SIGNING_KEYS";
    static final String SORT_PREFIX = "KEY#";
    static final String KID = "kid";
    static final String X = "x";
    static final String Y = "y";
    static final String SEALED_PRIVATE_KEY = "sealedPrivateKey";
    static final String CREATED_AT = "createdAt";
    static final String SIGNS_FROM = "signsFrom";

    /** A key as stored: its public half and schedule, and its private half sealed. */
    record StoredKey(SigningKey key, byte[] sealedPrivateKey) {
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public SigningKeyTable(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** Every stored key; a strongly consistent read, so a key just added is never missed. */
    List<StoredKey> load() {
        List<StoredKey> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page;
            try {
                page = dynamoDb.query(request -> request.tableName(tableName).consistentRead(true)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", DynamoDbEnrollmentStore.PARTITION_KEY))
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PARTITION)))
                        .exclusiveStartKey(from));
            } catch (SdkException failure) {
                throw AwsFailures.dynamoDb("Query", failure);
            }
            page.items().forEach(item -> readable(item).ifPresent(keys::add));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return keys;
    }

    /** Adds a key; a kid is a thumbprint, so an item that exists already holds this very key. */
    void add(StoredKey stored) {
        SigningKey key = stored.key();
        Map<String, AttributeValue> item = new HashMap<>(itemKey(key.kid()));
        item.put(KID, AttributeValue.fromS(key.kid()));
        item.put(X, AttributeValue.fromS(key.x()));
        item.put(Y, AttributeValue.fromS(key.y()));
        item.put(SEALED_PRIVATE_KEY, AttributeValue.fromB(SdkBytes.fromByteArray(stored.sealedPrivateKey())));
        item.put(CREATED_AT, AttributeValue.fromN(Long.toString(key.createdAt().getEpochSecond())));
        item.put(SIGNS_FROM, AttributeValue.fromN(Long.toString(key.signsFrom().getEpochSecond())));
        try {
            dynamoDb.putItem(request -> request.tableName(tableName).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", DynamoDbEnrollmentStore.PARTITION_KEY)));
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("PutItem", failure);
        }
    }

    /** Removes a retired key whose tokens have all expired. */
    void delete(String kid) {
        try {
            dynamoDb.deleteItem(request -> request.tableName(tableName).key(itemKey(kid)));
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DeleteItem", failure);
        }
    }

    private static Map<String, AttributeValue> itemKey(String kid) {
        return Map.of(DynamoDbEnrollmentStore.PARTITION_KEY, AttributeValue.fromS(PARTITION),
                DynamoDbEnrollmentStore.SORT_KEY, AttributeValue.fromS(SORT_PREFIX + kid));
    }

    /**
     * The key an item holds, or empty for an item no rotation could have written: a missing or
     * malformed attribute, a point off the curve, or a key that would start signing more than
     * {@link KeySchedule#MAX_PUBLISHED_AHEAD} after it was made. Such an item is left out (one line says so), so it
     * can neither stop every token route nor be published for ever.
     */
    private static java.util.Optional<StoredKey> readable(Map<String, AttributeValue> item) {
        try {
            StoredKey stored = read(item);
            if (stored.key().signsFrom().isAfter(stored.key().createdAt().plus(KeySchedule.MAX_PUBLISHED_AHEAD))
                    || stored.key().signsFrom().isBefore(stored.key().createdAt())) {
                throw new IllegalArgumentException("a schedule no rotation makes");
            }
            return java.util.Optional.of(stored);
        } catch (RuntimeException unreadable) {
            System.out.println("{\"level\":\"ERROR\",\"fault\":\"ignored a signing key item that no rotation could have written\"}");
            return java.util.Optional.empty();
        }
    }

    private static StoredKey read(Map<String, AttributeValue> item) {
        SigningKey key = new SigningKey(item.get(KID).s(), SigningKey.publicKey(item.get(X).s(), item.get(Y).s()),
                Instant.ofEpochSecond(Long.parseLong(item.get(CREATED_AT).n())),
                Instant.ofEpochSecond(Long.parseLong(item.get(SIGNS_FROM).n())));
        return new StoredKey(key, item.get(SEALED_PRIVATE_KEY).b().asByteArray());
    }
}
