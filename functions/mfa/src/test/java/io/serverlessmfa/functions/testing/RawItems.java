package io.serverlessmfa.functions.testing;

import io.serverlessmfa.functions.store.DynamoDbEnrollmentStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Raw access to the enrollment items behind the store, bypassing the code under test: what
 * DynamoDB really holds, for byte-for-byte comparisons and for searching stored values.
 */
public final class RawItems {

    /** The signing keys' partition key value (SigningKeyTable's layout). */
    public static final String SIGNING_KEYS = "SIGNING_KEYS";
    private static final Map<String, AttributeValue> SIGNING_KEYS_ITEM = Map.of(DynamoDbEnrollmentStore.PARTITION_KEY,
            AttributeValue.fromS(SIGNING_KEYS), DynamoDbEnrollmentStore.SORT_KEY, AttributeValue.fromS("KEYS"));

    private final AwsEmulator emulator;

    public RawItems(AwsEmulator emulator) {
        this.emulator = emulator;
    }

    /** The item's key as the store lays it out: {@code pk = USER#<sub>}, {@code sk = MFA}. */
    public static Map<String, AttributeValue> key(String sub) {
        return Map.of(DynamoDbEnrollmentStore.PARTITION_KEY, AttributeValue.fromS("USER#" + sub),
                DynamoDbEnrollmentStore.SORT_KEY, AttributeValue.fromS("MFA"));
    }

    /** A strongly consistent GetItem; an empty map when there is no item. */
    public Map<String, AttributeValue> get(String sub) {
        var response = emulator.dynamoDb().getItem(request -> request.tableName(emulator.tableName())
                .key(key(sub)).consistentRead(true));
        return response.hasItem() ? Map.copyOf(response.item()) : Map.of();
    }

    /**
     * Everything stored in a user's partition ({@code pk = USER#<sub>}): the enrollment and the
     * audit events, by sort key, read with a strongly consistent Query (all pages).
     */
    public Map<String, Map<String, AttributeValue>> partition(String sub) {
        Map<String, Map<String, AttributeValue>> items = new java.util.TreeMap<>();
        emulator.dynamoDb().queryPaginator(request -> request.tableName(emulator.tableName()).consistentRead(true)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", DynamoDbEnrollmentStore.PARTITION_KEY))
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("USER#" + sub))))
                .items().forEach(item -> items.put(item.get(DynamoDbEnrollmentStore.SORT_KEY).s(), Map.copyOf(item)));
        return items;
    }

    /** Deletes a user's item with a raw DeleteItem, as DynamoDB's TTL deletion does. */
    public void delete(String sub) {
        emulator.dynamoDb().deleteItem(request -> request.tableName(emulator.tableName()).key(key(sub)));
    }

    /** Sets one binary attribute of a user's item with a raw UpdateItem (tampering). */
    public void setBinary(String sub, String attribute, SdkBytes value) {
        setAttribute(sub, attribute, AttributeValue.fromB(value));
    }

    /** Sets one attribute of a user's item with a raw UpdateItem (tampering, or an earlier release's layout). */
    public void setAttribute(String sub, String attribute, AttributeValue value) {
        emulator.dynamoDb().updateItem(request -> request.tableName(emulator.tableName()).key(key(sub))
                .updateExpression("SET #a = :v")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#a", attribute, "#pk", DynamoDbEnrollmentStore.PARTITION_KEY))
                .expressionAttributeValues(Map.of(":v", value)));
    }

    /** Sets a list of binaries (as the recovery hashes are stored) with a raw UpdateItem. */
    public void setList(String sub, String attribute, List<byte[]> values) {
        setAttribute(sub, attribute, AttributeValue.fromL(values.stream()
                .map(value -> AttributeValue.fromB(SdkBytes.fromByteArray(value))).toList()));
    }

    /** Removes one attribute of a user's item with a raw UpdateItem. */
    public void removeAttribute(String sub, String attribute) {
        emulator.dynamoDb().updateItem(request -> request.tableName(emulator.tableName()).key(key(sub))
                .updateExpression("REMOVE #a")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#a", attribute, "#pk", DynamoDbEnrollmentStore.PARTITION_KEY)));
    }

    /**
     * The token signing keys, one map per key (its {@code kid}, public coordinates, schedule and
     * {@code sealedPrivateKey}): the entries of the map {@code keys}, by kid, in the one item
     * {@code pk = SIGNING_KEYS, sk = KEYS}, read with a raw strongly consistent GetItem.
     */
    public List<Map<String, AttributeValue>> signingKeys() {
        Map<String, AttributeValue> item = signingKeysItem();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        if (item.containsKey("keys")) {
            item.get("keys").m().forEach((kid, entry) -> {
                Map<String, AttributeValue> key = new java.util.HashMap<>(entry.m());
                key.put("kid", AttributeValue.fromS(kid));
                keys.add(Map.copyOf(key));
            });
        }
        return keys;
    }

    /** The signing keys' one item as stored (empty when there is none). */
    public Map<String, AttributeValue> signingKeysItem() {
        Map<String, AttributeValue> item = emulator.dynamoDb().getItem(request -> request.tableName(emulator.tableName())
                .consistentRead(true).key(SIGNING_KEYS_ITEM)).item();
        return item == null ? Map.of() : Map.copyOf(item);
    }

    /** Deletes the signing keys with a raw DeleteItem: the table of a stack from before MFA tokens. */
    public void deleteSigningKeys() {
        emulator.dynamoDb().deleteItem(request -> request.tableName(emulator.tableName()).key(SIGNING_KEYS_ITEM));
    }

    /** Every item in the table (Scan, all pages). */
    public List<Map<String, AttributeValue>> scanAll() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        emulator.dynamoDb().scanPaginator(request -> request.tableName(emulator.tableName()).consistentRead(true))
                .items().forEach(items::add);
        return items;
    }

    /**
     * Asserts the item is a removal's tombstone: only its key, status NONE, the version and a TTL;
     * no ciphertext, no recovery hashes, no lock state.
     */
    public static void assertTombstone(Map<String, AttributeValue> item) {
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of("pk", "sk", "status", "version", "expireAt"),
                item.keySet(), () -> "a removed enrollment keeps only its tombstone: " + item.keySet());
        org.junit.jupiter.api.Assertions.assertEquals("NONE", item.get("status").s());
    }

    /**
     * Where {@code needle} occurs byte-wise in any value of the item: S (UTF-8), N (its text), B,
     * the sets, and lists and maps recursively. Empty if nowhere.
     */
    public static Optional<String> findBytes(Map<String, AttributeValue> item, byte[] needle) {
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            Optional<String> found = findBytes(attribute.getKey(), attribute.getValue(), needle);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    public static Optional<String> findText(Map<String, AttributeValue> item, String needle) {
        return findBytes(item, needle.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> findBytes(String path, AttributeValue value, byte[] needle) {
        List<byte[]> candidates = new ArrayList<>();
        if (value.s() != null) {
            candidates.add(value.s().getBytes(StandardCharsets.UTF_8));
        }
        if (value.n() != null) {
            candidates.add(value.n().getBytes(StandardCharsets.UTF_8));
        }
        if (value.b() != null) {
            candidates.add(value.b().asByteArray());
        }
        if (value.hasSs()) {
            value.ss().forEach(s -> candidates.add(s.getBytes(StandardCharsets.UTF_8)));
        }
        if (value.hasNs()) {
            value.ns().forEach(n -> candidates.add(n.getBytes(StandardCharsets.UTF_8)));
        }
        if (value.hasBs()) {
            value.bs().forEach(b -> candidates.add(b.asByteArray()));
        }
        for (byte[] candidate : candidates) {
            if (indexOf(candidate, needle) >= 0) {
                return Optional.of(path);
            }
        }
        if (value.hasL()) {
            for (int i = 0; i < value.l().size(); i++) {
                Optional<String> found = findBytes(path + "[" + i + "]", value.l().get(i), needle);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        if (value.hasM()) {
            for (Map.Entry<String, AttributeValue> entry : value.m().entrySet()) {
                Optional<String> found = findBytes(path + "." + entry.getKey(), entry.getValue(), needle);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** The first index of {@code needle} in {@code haystack}, or -1. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        if (needle.length == 0) {
            return 0;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
