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
 * list {@code keys} holds each key's public coordinates, its schedule and its private half sealed
 * under KMS ({@link SigningKeySealer}). One item, so a container reads every key with the one
 * GetItem its requests already make (a Query would load the SDK's Query model into every cold
 * start for this read alone); a handful of keys is a few kilobytes, one read unit. No user's
 * partition ({@code USER#<sub>}) can be this one.
 */
public final class SigningKeyTable {

    static final String PARTITION = "SIGNING_KEYS";
    static final String SORT = "KEYS";
    static final String KEYS = "keys";
    static final String KID = "kid";
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

    /** Every stored key; a strongly consistent read, so a key just added is never missed. */
    List<StoredKey> load() {
        List<StoredKey> keys = new ArrayList<>();
        storedList().forEach(entry -> readable(entry).ifPresent(keys::add));
        return keys;
    }

    private List<AttributeValue> storedList() {
        Map<String, AttributeValue> item;
        try {
            item = dynamoDb.getItem(request -> request.tableName(tableName).key(ITEM_KEY).consistentRead(true)).item();
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("GetItem", failure);
        }
        AttributeValue list = item == null ? null : item.get(KEYS);
        return list == null || !list.hasL() ? List.of() : list.l();
    }

    /**
     * Adds a key at the end of the list, in one atomic update (two first signers racing each add
     * theirs, and the schedule picks the same one everywhere). A kid is a thumbprint, so a key is
     * never added twice unless its pair was generated twice.
     */
    void add(StoredKey stored) {
        SigningKey key = stored.key();
        Map<String, AttributeValue> entry = Map.of(
                KID, AttributeValue.fromS(key.kid()),
                X, AttributeValue.fromS(key.x()),
                Y, AttributeValue.fromS(key.y()),
                SEALED_PRIVATE_KEY, AttributeValue.fromB(SdkBytes.fromByteArray(stored.sealedPrivateKey())),
                CREATED_AT, AttributeValue.fromN(Long.toString(key.createdAt().getEpochSecond())),
                SIGNS_FROM, AttributeValue.fromN(Long.toString(key.signsFrom().getEpochSecond())));
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName).key(ITEM_KEY)
                    .updateExpression("SET #keys = list_append(if_not_exists(#keys, :none), :added)")
                    .expressionAttributeNames(Map.of("#keys", KEYS))
                    .expressionAttributeValues(Map.of(":none", AttributeValue.fromL(List.of()),
                            ":added", AttributeValue.fromL(List.of(AttributeValue.fromM(entry))))));
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("UpdateItem", failure);
        }
    }

    /**
     * Removes a retired key whose tokens have all expired: the list entry at its index, on the
     * condition that the entry there is still that key (the list may have changed since the read);
     * if it moved, the list is read again.
     */
    void delete(String kid) {
        for (int attempt = 0; attempt < 3; attempt++) {
            List<AttributeValue> list = storedList();
            int index = indexOf(list, kid);
            if (index < 0) {
                return;
            }
            try {
                dynamoDb.updateItem(request -> request.tableName(tableName).key(ITEM_KEY)
                        .updateExpression("REMOVE #keys[" + index + "]")
                        .conditionExpression("#keys[" + index + "].#kid = :kid")
                        .expressionAttributeNames(Map.of("#keys", KEYS, "#kid", KID))
                        .expressionAttributeValues(Map.of(":kid", AttributeValue.fromS(kid))));
                return;
            } catch (ConditionalCheckFailedException moved) {
                // Another rotation changed the list between the read and the write: read again.
            } catch (SdkException failure) {
                throw AwsFailures.dynamoDb("UpdateItem", failure);
            }
        }
        throw new IllegalStateException("the signing key list kept changing while " + kid + " was being removed");
    }

    private static int indexOf(List<AttributeValue> list, String kid) {
        for (int index = 0; index < list.size(); index++) {
            AttributeValue kidValue = list.get(index).hasM() ? list.get(index).m().get(KID) : null;
            if (kidValue != null && kid.equals(kidValue.s())) {
                return index;
            }
        }
        return -1;
    }

    /**
     * The key a list entry holds, or empty for an entry no rotation could have written: not a map,
     * a missing or malformed attribute, a point off the curve, or a key that would start signing
     * more than {@link KeySchedule#MAX_PUBLISHED_AHEAD} after it was made. Such an entry is left
     * out (one line says so), so it can neither stop every token route nor be published for ever.
     */
    private static java.util.Optional<StoredKey> readable(AttributeValue entry) {
        try {
            StoredKey stored = read(entry.m());
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
