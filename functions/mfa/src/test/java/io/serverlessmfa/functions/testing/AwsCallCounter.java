package io.serverlessmfa.functions.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptRequest;

/**
 * Counts the AWS calls a client makes, as the SDK sees them (one per API call, not per retry),
 * and estimates the DynamoDB capacity each one consumes by the on-demand billing rules: a read is
 * one unit per 4 KB (half for an eventually consistent one), a write one unit per 1 KB, a
 * transactional write two per 1 KB item. Item sizes follow DynamoDB's rules (attribute names plus
 * values). Add it with {@code overrideConfiguration(o -> o.addExecutionInterceptor(counter))}.
 */
public final class AwsCallCounter implements ExecutionInterceptor {

    /** Capacity of one call: read units, write units. */
    public record Capacity(double readUnits, double writeUnits) {

        static final Capacity NONE = new Capacity(0, 0);

        public Capacity plus(Capacity other) {
            return new Capacity(readUnits + other.readUnits, writeUnits + other.writeUnits);
        }
    }

    /** The token signing keys' partition (SigningKeyTable.PARTITION) and sealing purpose (SigningKeySealer.PURPOSE). */
    private static final String SIGNING_KEYS_PARTITION = "SIGNING_KEYS";
    private static final String SIGNING_KEY_PURPOSE = "mfa-token-signing-key";

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<String> signingKeyCalls = new CopyOnWriteArrayList<>();
    private final List<Capacity> capacities = new CopyOnWriteArrayList<>();
    private final List<Capacity> signingKeyCapacities = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String call = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + " "
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        calls.add(call);
        if (forSigningKeys(context.request())) {
            signingKeyCalls.add(call);
        }
    }

    /** A read of the token signing keys' partition, or the sealing or unsealing of a signing key. */
    private static boolean forSigningKeys(SdkRequest request) {
        if (request instanceof GetItemRequest get) {
            return SIGNING_KEYS_PARTITION.equals(get.key().get("pk").s());
        }
        if (request instanceof UpdateItemRequest update) {
            return SIGNING_KEYS_PARTITION.equals(update.key().get("pk").s());
        }
        if (request instanceof DecryptRequest decrypt) {
            return SIGNING_KEY_PURPOSE.equals(decrypt.encryptionContext().get("purpose"));
        }
        if (request instanceof EncryptRequest encrypt) {
            return SIGNING_KEY_PURPOSE.equals(encrypt.encryptionContext().get("purpose"));
        }
        return false;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Capacity capacity = capacity(context.request(), context.response());
        capacities.add(capacity);
        if (forSigningKeys(context.request())) {
            signingKeyCapacities.add(capacity);
        }
    }

    /**
     * A refused transaction (a setup that finds an enrollment stored) is counted as if it had been
     * written: the cost model takes the higher reading of how DynamoDB bills a cancelled one.
     */
    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof TransactWriteItemsRequest) {
            capacities.add(capacity(context.request(), null));
        }
    }

    /** Every call since the last {@link #reset()}, in order, e.g. {@code "DynamoDb GetItem"}. */
    public List<String> calls() {
        return new ArrayList<>(calls);
    }

    /**
     * The calls since the last {@link #reset()} that were for the MFA token signing keys (reading
     * their partition, unsealing or sealing one), in order: a subset of {@link #calls()}.
     */
    public List<String> signingKeyCalls() {
        return new ArrayList<>(signingKeyCalls);
    }

    /** How many calls of one operation, e.g. {@code count("Decrypt")}. */
    public long count(String operation) {
        return calls.stream().filter(call -> call.endsWith(" " + operation)).count();
    }

    /** The DynamoDB capacity the calls since the last {@link #reset()} consumed (refused transactions in full). */
    public Capacity capacity() {
        return capacities.stream().reduce(Capacity.NONE, Capacity::plus);
    }

    /** The DynamoDB capacity of the {@link #signingKeyCalls()} (included in {@link #capacity()}). */
    public Capacity signingKeyCapacity() {
        return signingKeyCapacities.stream().reduce(Capacity.NONE, Capacity::plus);
    }

    public void reset() {
        calls.clear();
        signingKeyCalls.clear();
        capacities.clear();
        signingKeyCapacities.clear();
    }

    private static Capacity capacity(SdkRequest request, SdkResponse response) {
        if (request instanceof GetItemRequest get && response instanceof GetItemResponse got) {
            return read(List.of(got.hasItem() ? got.item() : Map.of()), Boolean.TRUE.equals(get.consistentRead()));
        }
        if (request instanceof QueryRequest query && response instanceof QueryResponse found) {
            return read(found.items(), Boolean.TRUE.equals(query.consistentRead()));
        }
        if (response instanceof BatchGetItemResponse batch) {
            return batch.responses().values().stream().flatMap(Collection::stream)
                    .map(item -> read(List.of(item), false)).reduce(Capacity.NONE, Capacity::plus);
        }
        if (request instanceof PutItemRequest put) {
            return new Capacity(0, kilobytes(size(put.item())));
        }
        if (request instanceof TransactWriteItemsRequest transaction) {
            double units = 0;
            for (TransactWriteItem item : transaction.transactItems()) {
                // A Put is billed on the item written; the updates here touch counters and events
                // far under 1 KB, so one unit each (twice, as every transactional write).
                units += 2 * (item.put() != null ? kilobytes(size(item.put().item())) : 1);
            }
            return new Capacity(0, units);
        }
        return Capacity.NONE;
    }

    /** A read: the items' sizes summed, then rounded up to 4 KB units; half for eventually consistent. */
    private static Capacity read(List<Map<String, AttributeValue>> items, boolean consistent) {
        long bytes = items.stream().mapToLong(AwsCallCounter::size).sum();
        double units = Math.max(1, Math.ceil(bytes / 4096.0));
        return new Capacity(consistent ? units : units / 2, 0);
    }

    private static double kilobytes(long bytes) {
        return Math.max(1, Math.ceil(bytes / 1024.0));
    }

    /** DynamoDB's item size: each attribute's name in UTF-8 plus its value. */
    public static long size(Map<String, AttributeValue> item) {
        long bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            bytes += attribute.getKey().getBytes(StandardCharsets.UTF_8).length + size(attribute.getValue());
        }
        return bytes;
    }

    private static long size(AttributeValue value) {
        if (value.s() != null) {
            return value.s().getBytes(StandardCharsets.UTF_8).length;
        }
        if (value.n() != null) {
            return value.n().replaceAll("[^0-9]", "").length() / 2 + 2; // about a byte per two digits, plus one
        }
        if (value.b() != null) {
            return value.b().asByteArray().length;
        }
        if (value.hasL()) {
            return 3 + value.l().stream().mapToLong(element -> 1 + size(element)).sum();
        }
        if (value.hasM()) {
            return 3 + value.m().entrySet().stream().mapToLong(entry -> 1 + entry.getKey().length() + size(entry.getValue()))
                    .sum();
        }
        if (value.hasSs()) {
            return value.ss().stream().mapToLong(element -> element.getBytes(StandardCharsets.UTF_8).length).sum();
        }
        return 1; // BOOL, NULL
    }
}
