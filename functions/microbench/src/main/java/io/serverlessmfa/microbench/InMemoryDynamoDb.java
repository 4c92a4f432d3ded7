package io.serverlessmfa.microbench;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * DynamoDB without its round trip, for the one item the token signing keys live in: the two
 * UpdateItems {@code SigningKeyTable.add} makes (an entry set in the map {@code keys}, or the map
 * made with its first entry, each on its condition) and GetItem of the item. Any other operation
 * or expression fails, as the SDK's interface does by default. Not thread-safe (JMH state is per
 * thread).
 */
final class InMemoryDynamoDb implements DynamoDbClient {

    private Map<String, AttributeValue> keys;
    private int reads;

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        switch (request.updateExpression()) {
            case "SET #keys.#kid = :entry" -> {
                if (keys == null) {
                    throw ConditionalCheckFailedException.builder().message("no map yet").build();
                }
                keys.put(request.expressionAttributeNames().get("#kid"), request.expressionAttributeValues().get(":entry"));
            }
            case "SET #keys = :keys" -> {
                if (keys != null) {
                    throw ConditionalCheckFailedException.builder().message("the map exists").build();
                }
                keys = new LinkedHashMap<>(request.expressionAttributeValues().get(":keys").m());
            }
            default -> throw new UnsupportedOperationException(request.updateExpression());
        }
        return UpdateItemResponse.builder().build();
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        reads++;
        return keys == null ? GetItemResponse.builder().build()
                : GetItemResponse.builder().item(Map.of("pk", request.key().get("pk"), "sk", request.key().get("sk"),
                        "keys", AttributeValue.fromM(keys))).build();
    }

    /** How many reads were made: the warm path must make none. */
    int reads() {
        return reads;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
