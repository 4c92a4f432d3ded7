package io.serverlessmfa.functions.token;

import io.serverlessmfa.functions.aws.AwsFailures;
import io.serverlessmfa.functions.store.DynamoDbEnrollmentStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The signing keys in the service's table: one item, {@code pk = SIGNING_KEYS, sk = KEYS}, whose
 * map {@code keys} holds, by kid, each key's public coordinates, its schedule and its private half
 * sealed under KMS ({@link SigningKeySealer}). One item, so a container reads every key with the
 * one GetItem its requests already make (a Query would load the SDK's Query model into every cold
 * start for this read alone); a handful of keys is a few kilobytes, one read unit. A map by kid, so
 * adding or removing a key is a write that can be repeated (the SDK retries a call whose answer
 * was lost) and two writers never step on each other's entries. No user's partition
 * ({@code USER#<sub>}) can be this one.
 */
public final class SigningKeyTable {

    static final String PARTITION = "SIGNING_KEYS";
    static final String SORT = "KEYS";
    static final String KEYS = "keys";
    static final String X = "x";
    static final String Y = "y";
    static final String SEALED_PRIVATE_KEY = "sealedPrivateKey";
    static final String CREATED_AT = "createdAt";
    static final String SIGNS_FROM = "signsFrom";
    private static final Map<String, AttributeValue> ITEM_KEY = Map.of(
            DynamoDbEnrollmentStore.PARTITION_KEY, AttributeValue.fromS(PARTITION),
            DynamoDbEnrollmentStore.SORT_KEY, AttributeValue.fromS(SORT));

    /** A key as stored: its public half and schedule, and its private half sealed. */
    record StoredKey(SigningKey key, byte[] sealedPrivateKey) {
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public SigningKeyTable(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** What one read finds: the keys, and the kids of the entries no rotation could have written (rotation removes them). */
    record Contents(List<StoredKey> keys, List<String> unreadable) {
    }

    /** Every stored key; a strongly consistent read, so a key just added is never missed. */
    List<StoredKey> load() {
        return read().keys();
    }

    /** One strongly consistent read of the keys, the readable and the unreadable apart. */
    Contents read() {
        List<StoredKey> keys = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        stored().forEach((kid, entry) -> readable(kid, entry).ifPresentOrElse(keys::add, () -> unreadable.add(kid)));
        return new Contents(List.copyOf(keys), List.copyOf(unreadable));
    }

    /**
     * The map of the stored keys by kid; empty when there is no item. An item whose {@code keys} is
     * not a map was written by no version of this code: it stops the token routes with a fault of
     * its own instead of being taken for a fresh deployment (whose first key could not be added).
     */
    private Map<String, AttributeValue> stored() {
        Map<String, AttributeValue> item;
        try {
            item = dynamoDb.getItem(request -> request.tableName(tableName).key(ITEM_KEY).consistentRead(true)).item();
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("GetItem", failure);
        }
        AttributeValue keys = item == null ? null : item.get(KEYS);
        if (keys == null) {
            return Map.of();
        }
        if (!keys.hasM()) {
            throw new IllegalStateException("the signing keys item holds no map of keys");
        }
        return keys.m();
    }

    /**
     * Adds a key: one entry of the map, set whether or not the map exists yet. Setting the same kid
     * again writes the same entry (a kid is a thumbprint), so a retried call changes nothing.
     */
    void add(StoredKey stored) {
        SigningKey key = stored.key();
        AttributeValue entry = AttributeValue.fromM(Map.of(
                X, AttributeValue.fromS(key.x()),
                Y, AttributeValue.fromS(key.y()),
                SEALED_PRIVATE_KEY, AttributeValue.fromB(SdkBytes.fromByteArray(stored.sealedPrivateKey())),
                CREATED_AT, AttributeValue.fromN(Long.toString(key.createdAt().getEpochSecond())),
                SIGNS_FROM, AttributeValue.fromN(Long.toString(key.signsFrom().getEpochSecond()))));
        // DynamoDB sets a map's entry only in a map that exists, so the first key makes the map; a
        // writer that lost that race sets its entry in the winner's map.
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                dynamoDb.updateItem(request -> request.tableName(tableName).key(ITEM_KEY)
                        .updateExpression("SET #keys.#kid = :entry")
                        .conditionExpression("attribute_exists(#keys)")
                        .expressionAttributeNames(Map.of("#keys", KEYS, "#kid", key.kid()))
                        .expressionAttributeValues(Map.of(":entry", entry)));
                return;
            } catch (ConditionalCheckFailedException noMapYet) {
                // The first key of the deployment.
            } catch (SdkException failure) {
                throw AwsFailures.dynamoDb("UpdateItem", failure);
            }
            try {
                dynamoDb.updateItem(request -> request.tableName(tableName).key(ITEM_KEY)
                        .updateExpression("SET #keys = :keys")
                        .conditionExpression("attribute_not_exists(#keys)")
                        .expressionAttributeNames(Map.of("#keys", KEYS))
                        .expressionAttributeValues(Map.of(":keys", AttributeValue.fromM(Map.of(key.kid(), entry)))));
                return;
            } catch (ConditionalCheckFailedException anotherWriterMadeTheMap) {
                // Set the entry in that map: the loop's next turn.
            } catch (SdkException failure) {
                throw AwsFailures.dynamoDb("UpdateItem", failure);
            }
        }
        throw new IllegalStateException("the signing keys item changed shape while " + key.kid() + " was being added");
    }

    /** Removes a key (a retired one whose tokens have all expired, or an unreadable entry); removing it again changes nothing. */
    void delete(String kid) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName).key(ITEM_KEY)
                    .updateExpression("REMOVE #keys.#kid")
                    .conditionExpression("attribute_exists(#keys)")
                    .expressionAttributeNames(Map.of("#keys", KEYS, "#kid", kid)));
        } catch (ConditionalCheckFailedException noKeys) {
            // Nothing to remove.
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("UpdateItem", failure);
        }
    }

    /**
     * The key a map entry holds, or empty for an entry no rotation could have written: not a map,
     * a missing or malformed attribute, a point off the curve, a kid that is not the point's
     * thumbprint, or a key that would start signing
     * more than {@link KeySchedule#MAX_PUBLISHED_AHEAD} after it was made. Such an entry is left
     * out (one line says so), so it can neither stop every token route nor be published for ever.
     */
    private static java.util.Optional<StoredKey> readable(String kid, AttributeValue entry) {
        try {
            StoredKey stored = read(kid, entry.m());
            if (stored.key().signsFrom().isAfter(stored.key().createdAt().plus(KeySchedule.MAX_PUBLISHED_AHEAD))
                    || stored.key().signsFrom().isBefore(stored.key().createdAt())) {
                throw new IllegalArgumentException("a schedule no rotation makes");
            }
            return java.util.Optional.of(stored);
        } catch (RuntimeException unreadable) {
            System.out.println("{\"level\":\"ERROR\",\"fault\":\"ignored a signing key entry that no rotation could have written\"}");
            return java.util.Optional.empty();
        }
    }

    private static StoredKey read(String kid, Map<String, AttributeValue> entry) {
        SigningKey key = new SigningKey(kid, SigningKey.publicKey(entry.get(X).s(), entry.get(Y).s()),
                Instant.ofEpochSecond(Long.parseLong(entry.get(CREATED_AT).n())),
                Instant.ofEpochSecond(Long.parseLong(entry.get(SIGNS_FROM).n())));
        return new StoredKey(key, entry.get(SEALED_PRIVATE_KEY).b().asByteArray());
    }
}
