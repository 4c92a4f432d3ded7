package io.serverlessmfa.microbench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * DynamoDB without its round trip, for the one partition the token signing keys live in: PutItem
 * keeps the item, Query returns every item kept. Enough for {@code SigningKeyTable} (which writes
 * one item per key and reads its partition back); any other operation fails, as the SDK's
 * interface does by default. Not thread-safe (JMH state is per thread).
 */
final class InMemoryDynamoDb implements DynamoDbClient {

    private final List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> items = new ArrayList<>();
    private int queries;

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        items.add(Map.copyOf(request.item()));
        return PutItemResponse.builder().build();
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        queries++;
        return QueryResponse.builder().items(items).count(items.size()).build();
    }

    /** How many Query calls were made: the warm path must make none. */
    int queries() {
        return queries;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
